import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../playwright.config.ts';

test('the admin page lists a delivered lead and shows every embed snippet of each form', async ({ page, request }) => {
  const accepted = await request.post('/v1/forms/contact/submissions', {
    data: { fields: { name: `Admin check ${Date.now()}`, email: 'admin-check@example.com' }, meta: { fillMs: 5000 } },
  });
  expect(accepted.status()).toBe(202);
  const { id } = (await accepted.json()) as { id: string };

  await page.goto('/admin');
  await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'delivered' }).click();
  await expect(async () => {
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect(page.locator(`tr[data-id="${id}"]`)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await expect(page.locator(`tr[data-id="${id}"] td`).nth(4)).toHaveText('1');

  const contact = page.locator('article[data-form="contact"]');
  const origin = new URL(page.url()).origin;
  await expect(contact.locator('figure[data-mode="declarative"] code')).toContainText(`<div data-leadform="contact"></div>`);
  await expect(contact.locator('figure[data-mode="declarative"] code')).toContainText(`<script async src="${origin}/v1/leadform.js"></script>`);
  await expect(contact.locator('figure[data-mode="queue"] code')).toContainText(`LeadForm('render', {form: 'contact'`);
  await expect(contact.locator('figure[data-mode="popup"] code')).toContainText(`LeadForm('open', {form: 'contact'})`);
  await expect(contact.locator('figure[data-mode="iframe"] code')).toContainText(`<iframe src="${origin}/v1/forms/contact/embed"`);

  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
});

test('the admin page says so when the token is wrong', async ({ page }) => {
  await page.goto('/admin');
  await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('LEADFORM_ADMIN_TOKEN');
});
