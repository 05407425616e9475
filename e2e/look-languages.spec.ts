/**
 * Right to left and languages without a catalogue: an Arabic page gets the Arabic catalogue, right to
 * left; a Persian page (no catalogue) gets English and says so in `lang`, `dir` and the lead.
 */
import { expect, test } from '@playwright/test';
import { expectNoViolations, rootOf, visualOrder } from './look-helpers.ts';
import { A_PERSON_PAUSES_MS, fillShowcase, theOneLead, uniqueName } from './widget-helpers.ts';

test.describe('right to left, and languages without a catalogue', () => {
  test('on <html dir="rtl" lang="ar"> the form speaks Arabic, right to left, and the lead says "ar"', async ({ page, request }) => {
    await page.goto('/demo/rtl-ar.html');
    const host = page.locator('[data-leadform="showcase"]');
    const send = host.getByRole('button', { name: 'إرسال' });
    await expect(send).toBeVisible();
    await expect(rootOf(host)).toHaveAttribute('lang', 'ar');
    await expect(rootOf(host)).toHaveAttribute('dir', 'rtl');
    // The Send button starts at the right (inside the form's 16px padding), with no margin on its right (physical) side.
    const form = (await rootOf(host).boundingBox())!;
    const button = (await send.boundingBox())!;
    expect(form.x + form.width - (button.x + button.width)).toBeLessThanOrEqual(16);
    expect(button.x - form.x).toBeGreaterThan(100);
    expect(await send.evaluate((element) => getComputedStyle(element).marginRight)).toBe('0px');
    // A range of numbers reads as written, not "10–1", and "51+" not "+51".
    expect(await visualOrder(host.getByText('1–10'), '1–10')).toEqual([0, 1, 2, 3]);
    expect(await visualOrder(host.getByText('51+'), '51+')).toEqual([0, 1, 2]);

    await send.click();
    await expect(host.getByText('هذا الحقل مطلوب.').first()).toBeVisible();
    await expect(host.getByRole('status').locator('p')).toHaveText('يُرجى تصحيح الحقول المحددة.');
    await expectNoViolations(page);

    const visitor = uniqueName('Arabic');
    await fillShowcase(host, visitor);
    await page.waitForTimeout(A_PERSON_PAUSES_MS);
    await send.click();
    await expect(host.getByText('شكرًا لك! سنتواصل معك قريبًا.')).toBeVisible();
    expect((await theOneLead(request, visitor)).locale).toBe('ar');
  });

  test('on <html dir="rtl" lang="fa">, with no Persian catalogue, the form says it is English: lang, dir, punctuation, the lead', async ({ page, request }) => {
    await page.goto('/demo/rtl-fa.html');
    const host = page.locator('[data-leadform="showcase"]');
    const send = host.getByRole('button', { name: 'Send' });
    await expect(send).toBeVisible();
    await expect(rootOf(host)).toHaveAttribute('lang', 'en');
    await expect(rootOf(host)).toHaveAttribute('dir', 'ltr');
    expect(await visualOrder(host.getByText('1–10'), '1–10')).toEqual([0, 1, 2, 3]);
    await send.click();
    // The full stop ends the sentence on the right.
    const sentence = 'This field is required.';
    const order = await visualOrder(host.getByText(sentence).first(), sentence);
    expect(order.at(-1)).toBe(sentence.length - 1);
    expect(order[0]).toBe(0);

    const visitor = uniqueName('Persian');
    await fillShowcase(host, visitor);
    await page.waitForTimeout(A_PERSON_PAUSES_MS);
    await send.click();
    await expect(host.getByText("Thank you! We'll be in touch.")).toBeVisible();
    expect((await theOneLead(request, visitor)).locale).toBe('en');
    await expectNoViolations(page);
  });
});
