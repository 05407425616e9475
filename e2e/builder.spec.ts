/**
 * The builder in real Chromium against the real relay: a two-step form built from nothing, once
 * with the mouse (fields dragged into order) and once with the keyboard only, published, its
 * declarative snippet pasted into a page of another origin (a server of its own), a lead sent from there and found in
 * the sandbox inbox with the form's version; the relay's issues at their controls, which keep a
 * draft from being published; unsaved changes kept over a reload; no axe violation.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIRequestContext, expect, type Locator, type Page, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../playwright.config.ts';
import { expectNoViolations } from './look-helpers.ts';
import { A_PERSON_PAUSES_MS, theOneLead, uniqueName } from './widget-helpers.ts';

const bearer = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const formId = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function signIn(page: Page) {
  await page.goto('/admin#view=forms');
  await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Forms', exact: true })).toBeVisible();
}

/** The widget's form in the builder's preview (inside its shadow root, which locators pierce). */
const preview = (page: Page) => page.getByTestId('preview').locator('[data-preview]:not([hidden])');
const fieldRows = (page: Page) => page.locator('.field-list li');

/**
 * Drags the row of `handle` with the mouse, in small moves as a hand does, onto `target`, and
 * drops it once SortableJS has moved it there (the chosen row takes the target's place).
 */
async function dragOnto(page: Page, handle: Locator, target: Locator, index: number) {
  await target.scrollIntoViewIfNeeded();
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + 20, to.y + to.height / 2, { steps: 10 });
  await expect(page.locator('.field-list li').nth(index)).toHaveClass(/sortable-chosen/);
  await page.mouse.up();
}

/**
 * A page of the marketer's own site, on another origin than the relay's: a server of its own that
 * answers every path with the snippet the builder showed, pasted as is.
 */
async function startHostSite(): Promise<{ origin: string; paste(snippet: string): void; close(): Promise<void> }> {
  let pasted = '';
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pasted</title></head><body>${pasted}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paste: (snippet) => (pasted = snippet),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let site: Awaited<ReturnType<typeof startHostSite>>;
test.beforeAll(async () => (site = await startHostSite()));
test.afterAll(async () => site.close());
// A form built step by step as a person does takes many actions: up to a minute on a busy machine.
test.describe.configure({ timeout: 90_000 });

/** Pastes the declarative snippet into the host site's page, sends a lead from it, and returns the lead. */
async function sendFromPastedPage(page: Page, request: APIRequestContext) {
  site.paste((await page.locator('figure[data-mode="declarative"] code').textContent())!);
  await page.goto(`${site.origin}/landing.html`);
  const name = uniqueName('Builder');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill('builder@example.com');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Company').fill('Example Ltd');
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText("Thank you! We'll be in touch.")).toBeVisible();
  return theOneLead(request, name);
}

test('a two-step form built with the mouse, published, pasted on another origin, sends a lead carrying its version', async ({ page, request }) => {
  const id = formId('mouse');
  await signIn(page);
  await page.getByLabel('New form id').fill(id);
  await page.getByRole('button', { name: 'New form' }).click();
  await expect(page.getByRole('heading', { name: `Form “${id}”` })).toBeVisible();

  // Two text fields after the first draft's email field.
  for (const [name, label] of [
    ['name', 'Name'],
    ['company', 'Company'],
  ] as const) {
    await page.getByLabel('New field type').selectOption('text');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Name (the key in the lead and the CRM mapping)').fill(name);
    await page.getByLabel('Label (en)').fill(label);
  }
  await page.getByLabel('Required').check();
  // The preview is the widget itself, and follows as one types.
  await expect(preview(page).getByLabel('Company')).toBeVisible();
  await expect(fieldRows(page)).toHaveText([/^.*Email/, /^.*Name/, /^.*Company/]);

  // "Name" dragged by its handle above "Email".
  await dragOnto(page, fieldRows(page).nth(1).locator('.drag'), fieldRows(page).nth(0), 0);
  await expect(fieldRows(page)).toHaveText([/^.*Name/, /^.*Email/, /^.*Company/]);
  await page.getByRole('button', { name: /^Name \(name/ }).click();
  await page.getByLabel('Required').check();

  await page.getByRole('button', { name: 'Add step' }).click();
  await page.getByLabel('Step title (en)').first().fill('About you');
  await page.getByLabel('Step title (en)').nth(1).fill('Your company');
  await page.getByRole('button', { name: /^Company \(company/ }).click();
  await page.getByLabel('Step', { exact: true }).selectOption({ label: 'Your company' });
  await expect(preview(page).getByRole('button', { name: 'Next' })).toBeVisible();
  await expect(preview(page).getByLabel('Company')).toBeHidden();

  // A label per language: German typed with German picked, previewed in German, English kept.
  await page.getByRole('button', { name: /^Email \(email/ }).click();
  await page.getByLabel('Language edited and previewed').selectOption('de');
  await page.getByLabel('Label (de)').fill('E-Mail-Adresse');
  await expect(preview(page).getByLabel('E-Mail-Adresse')).toBeVisible();
  await expect(preview(page).getByRole('button', { name: 'Weiter' })).toBeVisible();
  await page.getByLabel('Language edited and previewed').selectOption('en');
  await expect(page.getByLabel('Label (en)')).toHaveValue('Email');

  const origins = page.getByLabel('Pages allowed to submit, one origin a line (self: this relay)');
  await origins.fill(`self\n${site.origin}`);

  await page.getByRole('group', { name: 'Field mapping for sandbox' }).getByLabel('company →').fill('organisation');

  await page.getByRole('button', { name: 'Publish…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish these changes?' });
  await expect(dialog).toContainText('Added field "name" (text)');
  await expect(dialog).toContainText('Added step "step-2"');
  await dialog.getByRole('button', { name: 'Publish now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published version 1' })).toBeVisible();
  await expect(page.locator('figure[data-mode="declarative"] code')).toContainText(`data-leadform="${id}"`);
  expect((await request.get(`/v1/forms/${id}`)).status()).toBe(200);
  const live = (await (await request.get(`/v1/admin/forms/${id}/export`, { headers: bearer })).json()) as Record<string, unknown>;
  expect(live).toMatchObject({ destination: 'sandbox', mapping: { company: 'organisation' }, allowedOrigins: ['self', site.origin] });

  const lead = await sendFromPastedPage(page, request);
  expect(lead).toMatchObject({ formId: id, formVersion: 1, fields: { email: 'builder@example.com', company: 'Example Ltd' } });
});

/** Presses Tab until `target` has focus, as a keyboard user moves through the page. */
async function tabTo(page: Page, target: Locator, limit = 120) {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((node) => node === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

test('a two-step form built with the keyboard only, reordered with Move buttons, publishes and sends a lead', async ({ page, request }) => {
  const id = formId('keys');
  await page.goto('/admin#view=forms');
  await tabTo(page, page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)'));
  await page.keyboard.type(E2E_ADMIN_TOKEN);
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByLabel('New form id'));
  await page.keyboard.type(id);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: `Form “${id}”` })).toBeVisible();

  for (const [name, label] of [
    ['company', 'Company'],
    ['name', 'Name'],
  ] as const) {
    await tabTo(page, page.getByRole('button', { name: 'Add field' }));
    await page.keyboard.press('Enter');
    // Focus moves to the new field's label.
    await expect(page.getByLabel('Label (en)')).toBeFocused();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(label);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(name);
  }
  await tabTo(page, page.getByLabel('Required'));
  await page.keyboard.press('Space');
  await expect(fieldRows(page)).toHaveText([/^.*Email/, /^.*Company/, /^.*Name/]);

  // "Name" up twice: focus stays on its Move up button until the top, then its Move down one.
  await tabTo(page, page.getByRole('button', { name: 'Move Name up' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('move-announcement')).toHaveText('Moved "Name" to position 2 of 3.');
  await expect(page.getByRole('button', { name: 'Move Name up' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('move-announcement')).toHaveText('Moved "Name" to position 1 of 3.');
  await expect(page.getByRole('button', { name: 'Move Name down' })).toBeFocused();
  await expect(fieldRows(page)).toHaveText([/^.*Name/, /^.*Email/, /^.*Company/]);

  await tabTo(page, page.getByRole('button', { name: 'Add step' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: /^Company \(company/ }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByLabel('Step', { exact: true }));
  await page.keyboard.press('End');
  await expect(page.getByLabel('Step', { exact: true })).toHaveValue('step-2');
  await tabTo(page, page.getByLabel('Pages allowed to submit, one origin a line (self: this relay)'));
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(site.origin);
  await expect(preview(page).getByRole('button', { name: 'Next' })).toBeVisible();

  await tabTo(page, page.getByRole('button', { name: 'Publish…' }));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Publish these changes?' });
  await expect(dialog.getByRole('button', { name: 'Publish now' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Published version 1' })).toBeVisible();

  const lead = await sendFromPastedPage(page, request);
  expect(lead).toMatchObject({ formId: id, formVersion: 1 });
});

/** A saved draft of a store form, through the API, opened in the builder. */
async function openSaved(page: Page, request: APIRequestContext, id: string, form: unknown) {
  const saved = await request.put(`/v1/admin/forms/${id}/draft`, { headers: bearer, data: form });
  expect(saved.status()).toBe(200);
  await signIn(page);
  await page.goto(`/admin#view=forms&form=${id}`);
  await expect(page.getByRole('heading', { name: `Form “${id}”` })).toBeVisible();
}

const aForm = {
  title: 'Checks',
  fields: [
    { name: 'email', type: 'email', required: true },
    { name: 'code', type: 'text' },
  ],
  destination: 'sandbox',
};

test('a bad pattern is shown at its control, linked from the list at the top, and the draft cannot be published', async ({ page, request }) => {
  const id = formId('pattern');
  await openSaved(page, request, id, aForm);
  await page.getByRole('button', { name: /^code \(code/ }).click();
  const pattern = page.getByLabel('Pattern (a regular expression the whole value matches)');
  await pattern.fill('([A-Z');
  // Shown as typed, by the relay's own checks run in the page, before anything is sent.
  await expect(pattern).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Publish…' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The relay found 1 problem in the draft.' })).toBeVisible();

  const summary = page.getByRole('region', { name: /problem.* to fix before this form can be published/ });
  await expect(summary).toContainText('Field “code”, pattern: not a valid regular expression');
  await expect(pattern).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await pattern.getAttribute('aria-describedby'))!;
  await expect(page.locator(`[id="${describedBy}"]`)).toContainText(/regular expression/i);
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // The link at the top brings focus to the control, from another field's panel too.
  await page.getByRole('button', { name: /^email \(email/ }).click();
  await summary.getByRole('link').first().click();
  await expect(pattern).toBeFocused();
  await expectNoViolations(page);

  // Nothing was published.
  expect((await request.get(`/v1/forms/${id}`)).status()).toBe(404);
  expect(((await (await request.get(`/v1/admin/forms/${id}/versions`, { headers: bearer })).json()) as { versions: unknown[] }).versions).toEqual([]);
});

test('a condition on a missing field is shown at the condition and keeps the draft from being published', async ({ page, request }) => {
  const id = formId('condition');
  await openSaved(page, request, id, aForm);
  await page.getByRole('button', { name: /^code \(code/ }).click();
  await page.getByLabel('When is it shown?').selectOption('notEmpty');
  const reads = page.getByLabel('Field it reads');
  await reads.fill('size');
  await page.getByRole('button', { name: 'Publish…' }).click();
  await expect(reads).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator(`[id="${await reads.getAttribute('aria-describedby')}"]`)).toContainText('size');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect((await request.get(`/v1/forms/${id}`)).status()).toBe(404);

  // Fixed, it publishes.
  await reads.fill('email');
  await page.getByRole('button', { name: 'Publish…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Publish now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published version 1' })).toBeVisible();
  await expect(reads).not.toHaveAttribute('aria-invalid');
});

test('unsaved changes survive a reload, leaving asks first, and axe finds nothing in the builder', async ({ page, request }) => {
  const id = formId('reload');
  await openSaved(page, request, id, {
    ...aForm,
    steps: [
      { id: 'one', fields: ['email'] },
      { id: 'two', fields: ['code'] },
    ],
  });
  await page.getByLabel('Title (en)', { exact: true }).fill('Checks, renamed');
  await expect(page.getByText('Unsaved changes (kept in this browser)')).toBeVisible();
  await expectNoViolations(page);

  let asked = false;
  page.once('dialog', (dialog) => {
    asked = dialog.type() === 'beforeunload';
    void dialog.accept();
  });
  // A page has to have been used for the browser to ask before it unloads.
  await page.reload();
  await expect(page.getByText('Unsaved changes from this browser were restored.')).toBeVisible();
  await expect(page.getByLabel('Title (en)', { exact: true })).toHaveValue('Checks, renamed');
  expect(asked).toBe(true);
});

test('a file form is read-only: duplicated into the builder and exported as JSON; an earlier version is restored into the draft', async ({ page }) => {
  await signIn(page);
  const row = page.locator('tr[data-form="contact"]');
  await expect(row).toContainText('Configuration file (read-only)');
  await expectNoViolations(page);
  await row.getByRole('button', { name: 'Export JSON', description: /^contact/ }).click();
  const exported = JSON.parse((await page.locator('figure pre code').textContent())!) as { contact: { fields: { name: string }[] } };
  expect(exported.contact.fields.map((field) => field.name)).toEqual(['name', 'email', 'company', 'message']);

  const copy = formId('copy');
  await row.getByRole('button', { name: 'Duplicate into the builder', description: /^contact/ }).click();
  await page.getByLabel('Id of the copy of contact').fill(copy);
  await page.getByRole('button', { name: 'Duplicate', exact: true }).click();
  await expect(page.getByRole('heading', { name: `Form “${copy}”` })).toBeVisible();
  await expect(fieldRows(page)).toHaveCount(4);

  // Version 1 as duplicated, version 2 without "message"; restoring 1 brings it back into the draft.
  await page.getByRole('button', { name: 'Publish…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Publish now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published version 1' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove Message' }).click();
  await page.getByRole('button', { name: 'Publish…' }).click();
  await expect(page.getByRole('dialog')).toContainText('Removed field "message"');
  await expectNoViolations(page);
  await page.getByRole('dialog').getByRole('button', { name: 'Publish now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published version 2' })).toBeVisible();
  await page.getByRole('button', { name: 'Restore version 1' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 copied into the draft' })).toBeVisible();
  await expect(fieldRows(page)).toHaveCount(4);
  await expect(page.locator('.history')).toContainText('restored');
  await page.getByRole('button', { name: 'Publish…' }).click();
  await expect(page.getByRole('dialog')).toContainText('Added field "message"');
});

test('signed out, the page asks the relay nothing (no failed sign-in counted); signed in, a reload keeps the session cookie', async ({ page }) => {
  const asked: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/v1/admin/session') asked.push(request.method());
  });
  await page.goto('/admin#view=forms');
  await expect(page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)')).toBeVisible();
  expect(asked).toEqual([]);
  await signIn(page);
  expect(asked).toEqual(['POST']);
  // The page holds no token: neither storage has it.
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain(E2E_ADMIN_TOKEN);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Forms', exact: true })).toBeVisible();
  expect(asked).toEqual(['POST', 'GET']);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)')).toBeVisible();
  expect(asked).toEqual(['POST', 'GET', 'DELETE']);
});
