/**
 * Accessibility: axe-core finds no WCAG 2.1 A or AA violation in any embed mode or state (empty,
 * showing errors, sent), and the whole form can be filled and sent with the keyboard alone.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { A_PERSON_PAUSES_MS, theOneLead, uniqueName } from './widget-helpers.ts';

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function expectNoViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('inline (declarative): empty, with errors shown, and sent', async ({ page }) => {
  await page.goto('/demo/strict-csp.html');
  const form = page.locator('[data-leadform="showcase"]');
  await expect(form.getByLabel('Name')).toBeVisible();
  await expectNoViolations(page);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText('This field is required.').first()).toBeVisible();
  await expectNoViolations(page);
});

test('command queue with prefill, and the sent state', async ({ page }) => {
  await page.goto('/demo/queue.html');
  const form = page.locator('#quote');
  await expect(form.getByLabel('Name')).toHaveValue('Grace Hopper');
  await expectNoViolations(page);
  await form.getByLabel('Work email').fill('grace@example.com');
  await form.getByRole('radio', { name: '1–10' }).check();
  await form.getByLabel('I agree to be contacted').check();
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  await expectNoViolations(page);
});

test('popup, open and showing errors', async ({ page }) => {
  await page.goto('/demo/popup.html');
  await page.getByRole('button', { name: 'Request a quote' }).click();
  const dialog = page.getByRole('dialog', { name: 'Request a quote' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await expectNoViolations(page);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expectNoViolations(page);
});

test('iframe, alone and inside a parent page', async ({ page }) => {
  await page.goto('/v1/forms/showcase/embed');
  await expect(page.getByLabel('Name')).toBeVisible();
  await expectNoViolations(page);
  await page.goto('/demo/iframe.html');
  await expect(page.frameLocator('#quote').getByLabel('Name')).toBeVisible();
  await expectNoViolations(page);
});

test('keyboard only: errors on leaving a field (not while typing), focus to the first invalid field, then send', async ({ page, request }) => {
  await page.goto('/demo/strict-csp.html');
  const form = page.locator('[data-leadform="showcase"]');
  await expect(form.getByLabel('Name')).toBeVisible();
  const visitor = uniqueName('Keys');

  // A required radio group says so to screen readers (the visible * is aria-hidden).
  await expect(form.getByRole('radiogroup', { name: 'Team size' })).toHaveAttribute('aria-required', 'true');
  await page.keyboard.press('Tab');
  await expect(form.getByLabel('Name')).toBeFocused();
  // The focus ring is visible: a 3px solid outline.
  expect(await form.getByLabel('Name').evaluate((input) => `${getComputedStyle(input).outlineStyle} ${getComputedStyle(input).outlineWidth}`)).toBe(
    'solid 3px',
  );
  await page.keyboard.type(visitor);
  await page.keyboard.press('Tab');
  const email = form.getByLabel('Work email');
  await expect(email).toBeFocused();
  await page.keyboard.type('grace@');
  await expect(email).not.toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Tab');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Enter a valid email address.')).toBeVisible();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('End');
  await page.keyboard.type('example.com');
  // Once shown, the error clears as soon as the value is fixed.
  await expect(email).not.toHaveAttribute('aria-invalid', 'true');

  // Submitting with required fields missing moves focus to the first of them and says why.
  await page.keyboard.press('Enter');
  await expect(form.getByLabel('Plan')).toBeFocused();
  await expect(form.getByRole('status').locator('p')).toHaveText('Please correct the highlighted fields.');
  await expect(form.getByLabel('Plan')).toHaveAttribute('aria-describedby', /-plan-error/);

  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(form.getByLabel('Plan')).toHaveValue('growth');
  await page.keyboard.press('Tab');
  await expect(form.getByRole('radio', { name: '1–10' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(form.getByRole('radio', { name: '11–50' })).toBeChecked();
  await page.keyboard.press('Tab'); // message (optional)
  await page.keyboard.press('Tab'); // newsletter (optional)
  await page.keyboard.press('Tab'); // consent, the last required field
  await page.keyboard.press('Space');
  // Nothing is highlighted any more, so the summary goes too.
  await expect(form.locator('[role=status]')).toBeEmpty();
  await page.keyboard.press('Shift+Tab'); // newsletter
  await page.keyboard.press('Shift+Tab'); // message
  await page.keyboard.type('Typed without a mouse.');
  await page.keyboard.press('Tab'); // newsletter
  await page.keyboard.press('Tab'); // consent, ticked above
  await expect(form.getByLabel('I agree to be contacted')).toBeChecked();
  await page.keyboard.press('Tab'); // policy link
  await expect(form.getByRole('link', { name: 'Privacy policy' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Send' })).toBeFocused();
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await page.keyboard.press('Enter');
  await expect(form.getByRole('status')).toBeFocused();
  await expect(form.getByRole('status')).toContainText("Thank you! We'll be in touch.");
  expect((await theOneLead(request, visitor)).fields).toMatchObject({ plan: 'growth', team_size: '11-50', consent: true, message: 'Typed without a mouse.' });
});
