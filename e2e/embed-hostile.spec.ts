/**
 * Isolation: a host page's careless global CSS cannot break the form, the form's CSS cannot leak
 * out, and a strict Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval') costs nothing.
 */
import { expect, test } from '@playwright/test';
import { A_PERSON_PAUSES_MS, fillShowcase, theOneLead, uniqueName } from './widget-helpers.ts';

test('a host page with `* { all: unset }` and `input { display: none !important }` still shows a usable form', async ({ page, request }) => {
  await page.goto('/demo/hostile-css.html');
  const form = page.locator('[data-leadform="showcase"]');
  const name = form.getByLabel('Name');
  await expect(name).toBeVisible();
  // Inputs keep their size and the 16px text that stops iOS from zooming.
  const box = (await name.boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(40);
  expect(box.width).toBeGreaterThan(200);
  expect(await name.evaluate((input) => getComputedStyle(input).fontSize)).toBe('16px');
  await expect(form.getByRole('button', { name: 'Send' })).toBeVisible();

  const visitor = uniqueName('Hostile');
  await fillShowcase(form, visitor);
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  await theOneLead(request, visitor);
});

test('a host page with a strict CSP: the form is styled (constructable stylesheets), works, and breaks no policy', async ({ page, request }) => {
  await page.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.goto('/demo/strict-csp.html');
  const form = page.locator('[data-leadform="showcase"]');
  const send = form.getByRole('button', { name: 'Send' });
  await expect(send).toBeVisible();
  // The definition's theme colour reached the button: the stylesheet applied under the CSP.
  expect(await send.evaluate((button) => getComputedStyle(button).backgroundColor)).toBe('rgb(15, 118, 110)');
  // The form's styles stay inside: the page's own heading keeps the browser's default size.
  expect(await page.locator('h1').evaluate((h1) => getComputedStyle(h1).fontSize)).toBe('32px');

  // A host page overrides the theme with a custom property on the element.
  await form.evaluate((host) => host.style.setProperty('--lf-color-primary', 'rgb(1, 2, 3)'));
  expect(await send.evaluate((button) => getComputedStyle(button).backgroundColor)).toBe('rgb(1, 2, 3)');

  const visitor = uniqueName('Csp');
  await fillShowcase(form, visitor);
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await send.click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  await theOneLead(request, visitor);
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
});
