import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../playwright.config.ts';
import { startWebhookFake } from '../src/destinations/fakes/webhook.ts';
import { startOwnRelay } from './own-relay.ts';

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

  // The page shows the relay's snippets as the endpoint builds them, the declarative one with the form's height reserved.
  const contact = page.locator('article[data-form="contact"]');
  const origin = new URL(page.url()).origin;
  const fromRelay = await request.get('/v1/admin/forms/contact/snippets', { headers: { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  const snippets = (await fromRelay.json()) as Record<string, string>;
  expect(Object.keys(snippets).sort()).toEqual(['declarative', 'iframe', 'popup', 'queue']);
  for (const [mode, code] of Object.entries(snippets)) await expect(contact.locator(`figure[data-mode="${mode}"] code`)).toHaveText(code);
  await expect(contact.locator('figure[data-mode="declarative"] code')).toContainText(
    /<div data-leadform="contact" data-leadform-height="[^"]+" style="min-height: [^"]+"/,
  );
  await expect(contact.locator('figure[data-mode="declarative"] code')).toContainText(`<script async src="${origin}/v1/leadform.js"></script>`);
  await expect(contact.locator('figure[data-mode="iframe"] code')).toContainText(`<iframe src="${origin}/v1/forms/contact/embed"`);

  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
});

/** Signs in on the page `path` opens (the token form comes first, whatever the hash). */
async function signIn(page: Page, path: string) {
  await page.goto(path);
  await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A lead to the demo's contact form, once the relay has delivered it. */
async function deliveredLead(request: APIRequestContext): Promise<string> {
  const accepted = await request.post('/v1/forms/contact/submissions', {
    data: { fields: { name: `Alert link ${Date.now()}`, email: 'alert-link@example.com' }, meta: { fillMs: 5000 } },
  });
  expect(accepted.status()).toBe(202);
  const { id } = (await accepted.json()) as { id: string };
  const headers = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  await expect
    .poll(async () => ((await (await request.get(`/v1/admin/submissions/${id}`, { headers })).json()) as { state: string }[])[0]?.state, { timeout: 10_000 })
    .toBe('delivered');
  return id;
}

test("an alert's link /admin#submission=ID opens that lead: its state's list, its row highlighted and focused", async ({ page, request }) => {
  const id = await deliveredLead(request);
  await signIn(page, `/admin#submission=${id}`);
  const row = page.locator(`tr[data-id="${id}"]`);
  await expect(row).toBeFocused();
  await expect(row).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('button', { name: 'delivered' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('tr[aria-current="true"]')).toHaveCount(1);
  await expect(row).toBeInViewport();
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
});

test('the deliveries view asks the relay once per need: a state change reloads its list only, an opened link one list', async ({ page, request }) => {
  const id = await deliveredLead(request);
  const asked: string[] = [];
  page.on('request', (each) => {
    const { pathname, search } = new URL(each.url());
    if (pathname.startsWith('/v1/admin/') && pathname !== '/v1/admin/session') asked.push(`${pathname}${search}`);
  });
  await signIn(page, `/admin#submission=${id}`);
  await expect(page.locator(`tr[data-id="${id}"]`)).toBeFocused();
  await expect(page.locator('article[data-form="contact"] figure[data-mode="declarative"] code')).toBeVisible();
  const count = (prefix: string) => asked.filter((path) => path.startsWith(prefix)).length;
  // The link opened the delivered list: once, not once for the state change and again for the link.
  expect(count('/v1/admin/submissions?state=delivered')).toBe(1);
  const forms = count('/v1/admin/forms');
  expect(forms).toBeGreaterThan(0);
  const lists = count('/v1/admin/submissions?state=');
  for (const state of ['pending', 'dead', 'delivered']) {
    await page.getByRole('button', { name: state, exact: true }).click();
    await expect(page.getByRole('button', { name: state, exact: true })).toHaveAttribute('aria-pressed', 'true');
  }
  await expect.poll(() => count('/v1/admin/submissions?state=')).toBe(lists + 3);
  // The forms and their snippets do not change with the state shown.
  expect(count('/v1/admin/forms')).toBe(forms);
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect.poll(() => count('/v1/admin/forms')).toBeGreaterThan(forms);
  // Shown again after another view, it asks for the snippets afresh (a form published meanwhile appears).
  const snippetsAsked = () => asked.filter((path) => path.endsWith('/snippets')).length;
  const before = snippetsAsked();
  await page.evaluate(() => (location.hash = 'view=insight'));
  await expect(page.locator('article[data-form="contact"]')).toHaveCount(0);
  await page.evaluate(() => (location.hash = 'view=deliveries'));
  await expect.poll(snippetsAsked).toBeGreaterThan(before);
});

test('a link to an unknown submission says so, focused; a hash change to a real one opens it', async ({ page, request }) => {
  const id = await deliveredLead(request);
  await signIn(page, '/admin#submission=no-such-lead');
  const message = page.getByRole('alert');
  await expect(message).toHaveText('There is no submission no-such-lead on this relay: the link may be mistyped, or retention erased it.');
  await expect(message).toBeFocused();
  await expect(page.locator('tr[aria-current="true"]')).toHaveCount(0);

  await page.evaluate((lead) => (location.hash = `submission=${lead}`), id);
  await expect(page.locator(`tr[data-id="${id}"]`)).toBeFocused();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the declarative, popup and iframe snippets work as pasted into a page whose CSP forbids inline script', async ({ page }) => {
  await page.goto('/admin');
  await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const contact = page.locator('article[data-form="contact"]');
  const snippet = async (mode: string) => (await contact.locator(`figure[data-mode="${mode}"] code`).textContent())!;
  const snippets = { declarative: await snippet('declarative'), popup: await snippet('popup'), iframe: await snippet('iframe') };
  const origin = new URL(page.url()).origin;
  const refusals: Record<string, string[]> = { declarative: [], popup: [], iframe: [] };
  let pasted = '';
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refusals[pasted]!.push(message.text());
  });

  for (const [mode, code] of Object.entries(snippets)) {
    // A host page of the marketer's site: the snippet pasted as is, under a strict policy.
    await page.route(`${origin}/pasted-${mode}.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; frame-src 'self'" },
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${mode}</title></head><body>${code}</body></html>`,
      }),
    );
    pasted = mode;
    await page.goto(`${origin}/pasted-${mode}.html`);
    if (mode === 'popup') await page.getByRole('button', { name: 'Contact us' }).click();
    const form = mode === 'iframe' ? page.frameLocator('iframe').locator('body') : page.locator('body');
    await expect(form.getByLabel('Email')).toBeVisible();
    if (mode === 'iframe') expect((await page.locator('iframe').boundingBox())!.height).toBeGreaterThanOrEqual(500);
  }
  // The relay's declarative snippet reserves the height in a style attribute, which this policy
  // refuses (and the loader does not read data-leadform-height), so there the height is not
  // reserved; the form itself still works. Only that refusal is allowed, and only there.
  expect(refusals.declarative).toEqual([expect.stringMatching(/^Applying inline style violates .*'style-src 'self''/)]);
  expect({ popup: refusals.popup, iframe: refusals.iframe }).toEqual({ popup: [], iframe: [] });
});

test('the admin page says so when the token is wrong', async ({ page }) => {
  await page.goto('/admin');
  await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('LEADFORM_ADMIN_TOKEN');
});

test('an operator replays a dead letter from the admin page and it is delivered', async ({ page }) => {
  const fake = await startWebhookFake();
  fake.inject({ kind: 'invalid' });
  const token = 'replay-test-admin-token-0123456789';
  const relay = await startOwnRelay(
    {
      forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'hook' } },
      destinations: { hook: { type: 'webhook', ...fake.options } },
    },
    { env: { ...fake.env, LEADFORM_ADMIN_TOKEN: token }, pollMs: 100 },
  );
  try {
    const email = `dead-${Date.now()}@example.com`;
    const accepted = await fetch(`${relay.url}/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fields: { email } }),
    });
    const { id } = (await accepted.json()) as { id: string };

    await page.goto(`${relay.url}/admin`);
    await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator(`tr[data-id="${id}"]`);
    await expect(async () => {
      await page.getByRole('button', { name: 'Reload' }).click();
      await expect(row).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 10_000 });
    await expect(row).toContainText('422');
    expect(fake.leadsWithEmail(email)).toHaveLength(0);

    await row.getByRole('button', { name: 'Replay' }).click();
    await expect(page.getByRole('status')).toContainText(`Submission ${id} is pending again.`);
    await expect.poll(() => fake.leadsWithEmail(email).length, { timeout: 10_000 }).toBe(1);
    await page.getByRole('button', { name: 'delivered' }).click();
    await expect(page.locator(`tr[data-id="${id}"]`)).toContainText('(replayed ');
  } finally {
    await relay.close();
    await fake.close();
  }
});

test('the admin page counts each destination of a lead to two, and replays the one that failed', async ({ page }) => {
  const [hook, alert] = await Promise.all([startWebhookFake(), startWebhookFake()]);
  hook.inject({ kind: 'invalid' });
  const token = 'fan-out-test-admin-token-0123456789';
  const relay = await startOwnRelay(
    {
      forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destinations: ['hook', 'alert'] } },
      destinations: { hook: { type: 'webhook', ...hook.options }, alert: { type: 'webhook', ...alert.options } },
    },
    { env: { ...hook.env, LEADFORM_ADMIN_TOKEN: token }, pollMs: 100 },
  );
  try {
    const email = `fan-${Date.now()}@example.com`;
    const accepted = await fetch(`${relay.url}/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fields: { email } }),
    });
    const { id } = (await accepted.json()) as { id: string };
    await expect.poll(() => alert.leadsWithEmail(email).length, { timeout: 10_000 }).toBe(1);

    await page.goto(`${relay.url}/admin`);
    await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator(`tr[data-id="${id}.hook"]`);
    await expect(async () => {
      await page.getByRole('button', { name: 'Reload' }).click();
      await expect(row).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 10_000 });
    // The lead's own id, its destination, and only that destination's error.
    await expect(row.locator('td').nth(0)).toContainText(id);
    await expect(row.locator('td').nth(2)).toHaveText('hook');
    await expect(row).toContainText('422');
    await expect(page.locator(`tr[data-id="${id}.alert"]`)).toHaveCount(0);
    const counts = (name: string) => page.locator(`tr[data-destination="${name}"] td`);
    await expect(counts('hook')).toHaveText(['0', '0', '1', '—']);
    await expect(counts('alert')).toHaveText(['0', '1', '0', '—']);

    // The lead's own id, as an alert links it: the dead entry is the one opened, the others named.
    await page.evaluate((lead) => (location.hash = `submission=${lead}`), id);
    await expect(row).toBeFocused();
    await expect(page.getByRole('status')).toHaveText(`Lead ${id}: hook dead, alert delivered.`);

    await row.getByRole('button', { name: 'Replay' }).click();
    await expect(page.getByRole('status')).toContainText(`Submission ${id}.hook is pending again.`);
    await expect.poll(() => hook.leadsWithEmail(email).length, { timeout: 10_000 }).toBe(1);
    expect(alert.leadsWithEmail(email)).toHaveLength(1);
    await expect(async () => {
      await page.getByRole('button', { name: 'Reload' }).click();
      await expect(counts('hook')).toHaveText(['0', '1', '0', '—'], { timeout: 500 });
    }).toPass({ timeout: 10_000 });
  } finally {
    await relay.close();
    await Promise.all([hook.close(), alert.close()]);
  }
});
