/**
 * Hostile host-page resets, each on a page of its own in `public/`: `div:empty { display: none }`
 * (with `[hidden]` respected) and `div { display: flex }`.
 */
import { expect, test } from '@playwright/test';
import { expectNoViolations } from './look-helpers.ts';

test.describe('hostile resets', () => {
  test('`div:empty { display: none !important }`: the reserved box, the form and the popup show; a form the page hides stays hidden', async ({ page }) => {
    // Hold the form bundle, to see the box the loader reserves before the form renders.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/v1/widget/form.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/demo/hostile-empty.html');
    const host = page.locator('[data-leadform="showcase"]');
    await expect.poll(() => host.evaluate((element) => element.getBoundingClientRect().height)).toBe(448);
    release();
    await expect(host.getByLabel('Name')).toBeVisible();
    // No child is left in the host: a framework hydrating it finds what it rendered.
    expect(await host.evaluate((element) => element.childNodes.length)).toBe(0);
    // The form is its own height once rendered, not the reservation.
    await expect.poll(() => host.evaluate((element) => element.getBoundingClientRect().height)).toBeGreaterThan(600);
    // `hidden` is the page's decision: respected.
    await expect(page.locator('#kept-hidden')).toBeHidden();
    await expect(page.locator('#kept-hidden').locator('.lf')).toHaveCount(1);

    await page.getByRole('button', { name: 'Contact us' }).click();
    const dialog = page.getByRole('dialog', { name: 'Contact us' });
    await expect(dialog.getByLabel('Name')).toBeVisible();
    await expect(dialog.getByLabel('Name')).toBeFocused();
    await expectNoViolations(page);
  });

  test('`div { display: flex }`: the form still takes its column’s full width, and a content-sized host keeps a usable one', async ({ page }) => {
    await page.goto('/demo/hostile-flex.html');
    const name = page.locator('#row').getByLabel('Name');
    await expect(name).toBeVisible();
    const column = (await page.locator('main').boundingBox())!;
    // The column's width less only the form's own padding (16px a side).
    expect((await name.boundingBox())!.width).toBeGreaterThanOrEqual(column.width - 33);
    // A host as wide as its content keeps a usable form (no size containment collapses it).
    const centred = page.locator('#centred').getByLabel('Name');
    await expect(centred).toBeVisible();
    expect((await centred.boundingBox())!.width).toBeGreaterThan(150);
    await expectNoViolations(page);
  });
});
