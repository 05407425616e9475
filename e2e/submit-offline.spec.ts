/**
 * Submitting when things go wrong: offline (kept in localStorage, sent once back online, also
 * after a reload), a 5xx or a network failure (a clear error and a retry reusing the same
 * Idempotency-Key), and no double submit. Each case must end with exactly one lead in the inbox.
 * And the happy end of a form with a thank-you page: the visitor is taken there.
 */
import { expect, type Page, test } from '@playwright/test';
import { startOwnRelay } from './own-relay.ts';
import { A_PERSON_PAUSES_MS, leadsNamed, theOneLead, uniqueName } from './widget-helpers.ts';

async function fillContact(page: Page, name: string) {
  const form = page.locator('[data-leadform="contact"]');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill('offline@example.com');
  await page.waitForTimeout(A_PERSON_PAUSES_MS);
  return form;
}

const queued = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('leadform:queue') ?? '[]') as unknown[]);

test('offline then online: the visitor is told, and exactly one lead arrives', async ({ page, context, request }) => {
  await page.goto('/');
  const name = uniqueName('Offline');
  const form = await fillContact(page, name);
  await context.setOffline(true);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByRole('status')).toHaveText("You're offline. Your message is saved and will be sent when you're back online.");
  expect(await queued(page)).toHaveLength(1);

  await context.setOffline(false);
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  await theOneLead(request, name);
  expect(await queued(page)).toHaveLength(0);
  // Nothing else goes out later: still one.
  await page.waitForTimeout(1500);
  expect(await leadsNamed(request, name)).toHaveLength(1);
});

test('offline, then the tab is closed: the next page with the script sends the kept submission once', async ({ page, context, request }) => {
  await page.goto('/');
  const name = uniqueName('Reload');
  const form = await fillContact(page, name);
  await context.setOffline(true);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByRole('status')).toContainText("You're offline.");
  await page.close();
  await context.setOffline(false);
  expect(await leadsNamed(request, name)).toHaveLength(0);

  // A page with the script but no form yet: the loader still sends what is waiting.
  const next = await context.newPage();
  await next.goto('/demo/spa.html');
  await theOneLead(request, name);
  await expect.poll(() => queued(next)).toHaveLength(0);
});

test('a 503 shows a clear error; "Try again" resends with the same Idempotency-Key and one lead arrives', async ({ page, request }) => {
  const keys: string[] = [];
  let calls = 0;
  await page.route('**/v1/forms/contact/submissions', async (route) => {
    keys.push((await route.request().headerValue('Idempotency-Key')) ?? '');
    calls++;
    if (calls === 1) await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"storage_unavailable","message":"down"}' });
    else if (calls === 2) await route.abort('connectionreset');
    else await route.continue();
  });
  await page.goto('/');
  const name = uniqueName('Retry');
  const form = await fillContact(page, name);
  const errors: unknown[] = [];
  await page.exposeFunction('recordError', (detail: unknown) => errors.push(detail));
  await page.evaluate(() =>
    document.addEventListener('leadform:error', (e) => (window as unknown as { recordError(d: unknown): void }).recordError((e as CustomEvent).detail)),
  );

  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByRole('status')).toHaveText('Your message could not be sent. Please try again.');
  await form.getByRole('button', { name: 'Try again' }).click();
  await expect(form.getByRole('button', { name: 'Try again' })).toBeVisible();
  await form.getByRole('button', { name: 'Try again' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();

  expect(keys).toHaveLength(3);
  expect(new Set(keys).size).toBe(1);
  expect(keys[0]).toMatch(/^[\x21-\x7e]{8,}$/);
  expect(errors).toEqual([
    { formId: 'contact', status: 503, error: 'unavailable' },
    { formId: 'contact', status: 0, error: 'unavailable' },
  ]);
  await theOneLead(request, name);
});

test('no double submit: clicking Send three times while sending sends once', async ({ page, request }) => {
  let posts = 0;
  await page.route('**/v1/forms/contact/submissions', async (route) => {
    posts++;
    await new Promise((done) => setTimeout(done, 400));
    await route.continue();
  });
  await page.goto('/');
  const name = uniqueName('Double');
  const form = await fillContact(page, name);
  const send = form.getByRole('button', { name: 'Send' });
  await send.click();
  await expect(form.getByRole('button', { name: 'Sending…' })).toHaveAttribute('aria-disabled', 'true');
  await form.getByRole('button', { name: 'Sending…' }).click({ force: true });
  await form
    .getByRole('button', { name: 'Sending…' })
    .click({ force: true })
    .catch(() => undefined);
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  expect(posts).toBe(1);
  await theOneLead(request, name);
});

test('a field the relay rejects (422) is marked on the form, in words, without a reload', async ({ page }) => {
  await page.route('**/v1/forms/contact/submissions', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({ error: 'validation_failed', message: 'x', issues: [{ path: ['fields', 'email'], code: 'invalid_email', message: 'x' }] }),
    }),
  );
  await page.goto('/');
  const form = await fillContact(page, uniqueName('Rejected'));
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByLabel('Email')).toBeFocused();
  await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Enter a valid email address.', { exact: true })).toBeVisible();
  await expect(form.getByRole('link', { name: /: Enter a valid email address\.$/ })).toBeVisible();
});

test('a form with a thank-you page takes the visitor there once the lead is stored', async ({ page }) => {
  const relay = await startOwnRelay({
    forms: {
      contact: {
        fields: [{ name: 'email', type: 'email', label: { en: 'Email' }, required: true }],
        destination: 'inbox',
        minFillMs: 0,
        redirectUrl: 'https://thanks.example/welcome?from=leadform',
      },
    },
    destinations: { inbox: { type: 'sandbox' } },
  });
  await page.route('https://thanks.example/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Thanks</title><h1>Welcome aboard</h1>' }),
  );
  try {
    await page.goto(`${relay.url}/`);
    const form = page.locator('[data-leadform="contact"]');
    await form.getByLabel('Email').fill('thanks@example.com');
    await form.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL('https://thanks.example/welcome?from=leadform');
    await expect(page.getByRole('heading', { name: 'Welcome aboard' })).toBeVisible();
    const inbox = (await (await page.request.get(`${relay.url}/sandbox/inbox.json`)).json()) as { lead: { fields: { email: string } } }[];
    expect(inbox.map((item) => item.lead.fields.email)).toEqual(['thanks@example.com']);
  } finally {
    await relay.close();
  }
});
