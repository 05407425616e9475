/**
 * The popup on a long page whose root font is 10px: its size, its corners, the page’s scroll.
 */
import { expect, test } from '@playwright/test';
import { expectNoViolations } from './look-helpers.ts';

test.describe('popup', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('on a 10px-root page: 512px wide, rounded, and the page behind neither scrolls nor loses its place', async ({ page }) => {
    await page.goto('/demo/popup-long.html');
    const opener = page.getByRole('button', { name: 'Request a quote' });
    await opener.scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => scrollY);
    expect(scrolled).toBeGreaterThan(500);
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Request a quote' });
    await expect(dialog.getByLabel('Name')).toBeFocused();
    const shape = await dialog.evaluate((element) => ({ width: element.getBoundingClientRect().width, radius: getComputedStyle(element).borderTopLeftRadius }));
    expect(shape).toEqual({ width: 512, radius: '12px' });

    await page.mouse.move(40, 400); // over the backdrop
    await page.mouse.wheel(0, 600);
    await page.keyboard.press('PageDown');
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.documentElement).overflowY)).toBe('hidden');
    expect(await page.evaluate(() => scrollY)).toBe(scrolled);
    await expectNoViolations(page);

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
    // The page is given back on the dialog's `close` event, a task after it is hidden.
    await expect.poll(() => page.evaluate(() => [scrollY, document.documentElement.getAttribute('style')])).toEqual([scrolled, '']);
    await page.mouse.wheel(0, 300);
    await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(scrolled);
  });
});
