/**
 * The funnel, end to end, in real Chromium against a relay of the test's own: five visitors (each
 * a fresh browser context, as five people are) view a two-step form; one gives up at a field it
 * left in error, two complete it from different campaigns, one only looks, and one sends Global
 * Privacy Control. The beacons go out with `navigator.sendBeacon` as the page is left or the form
 * sent; the test waits for the stats API's answer to become exact counts (never sleeping), the
 * submissions and deliveries read from the outbox.
 */
import { type Browser, expect, type Page, test } from '@playwright/test';
import { type OwnRelay, startOwnRelay } from './own-relay.ts';

const TOKEN = 'e2e-insight-admin-token-0123456789abcdef';

/** `contact`, so the relay's demo page (`/`) renders it. */
const CONFIG = {
  forms: {
    contact: {
      title: 'Get a quote',
      minFillMs: 0,
      destination: 'inbox',
      allowedOrigins: ['self'],
      fields: [
        { name: 'name', type: 'text', label: 'Name', required: true },
        { name: 'email', type: 'email', label: 'Email', required: true },
        { name: 'company', type: 'text', label: 'Company', required: true },
      ],
      steps: [
        { id: 'you', title: 'About you', fields: ['name', 'email'] },
        { id: 'firm', title: 'Your company', fields: ['company'] },
      ],
    },
  },
  destinations: { inbox: { type: 'sandbox' } },
};

let relay: OwnRelay;
test.beforeAll(async () => {
  relay = await startOwnRelay(CONFIG, { env: { ...process.env, LEADFORM_ADMIN_TOKEN: TOKEN } });
});
test.afterAll(async () => relay?.close());

type Beacon = { events: Record<string, unknown>[] };

/**
 * A visitor of their own, on the demo page (with `query`), the form shown and its beacons' chunk
 * loaded. Each beacon the page sends is also kept in its localStorage, so the test can read what
 * left on the way out (Playwright reports no request a document sends as it unloads).
 */
async function visit(browser: Browser, query = '', gpc = false): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript((gpc) => {
    if (gpc) Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    // The observer reports a first time once the page has laid the form out: a visitor counts as
    // one who looked only from then on (a test leaves faster than a person could).
    const Observer = window.IntersectionObserver;
    window.IntersectionObserver = class extends Observer {
      constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
        super((entries, observer) => {
          callback(entries, observer);
          (window as { observed?: boolean }).observed = true;
        }, options);
      }
    };
    const send = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      localStorage.setItem('test:beacons', JSON.stringify([...JSON.parse(localStorage.getItem('test:beacons') ?? '[]'), data]));
      return send(url, data);
    };
  }, gpc);
  // The chunk arrives after the form is interactive; a person's first keystroke comes later than a test's.
  const chunk = page.waitForResponse((response) => /\/v1\/widget\/insight-[\w-]+\.js$/.test(response.url()));
  await page.goto(`${relay.url}/${query}`);
  await expect(page.locator('[data-leadform="contact"]').getByLabel('Name')).toBeVisible();
  await chunk;
  // Under Global Privacy Control the chunk watches nothing.
  if (!gpc) await page.waitForFunction(() => (window as { observed?: boolean }).observed === true);
  return page;
}

/** The beacons the visitor's page has sent so far. */
async function sentBy(page: Page): Promise<Beacon[]> {
  const kept = await page.evaluate(() => localStorage.getItem('test:beacons'));
  return (JSON.parse(kept ?? '[]') as string[]).map((text) => JSON.parse(text) as Beacon);
}

/** Leaves the page (a real navigation: pagehide, visibilitychange) and returns every beacon it sent. */
async function leave(page: Page): Promise<Beacon[]> {
  await page.goto('about:blank');
  await page.goto(`${relay.url}/healthz`);
  const sent = await sentBy(page);
  await page.context().close();
  return sent;
}

const types = (beacons: Beacon[]) => beacons.flatMap((beacon) => beacon.events.map((event) => event.type));

async function complete(page: Page, name: string): Promise<Beacon[]> {
  const form = page.locator('[data-leadform="contact"]');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill(`${name.toLowerCase()}@example.com`);
  await form.getByRole('button', { name: 'Next' }).click();
  await form.getByLabel('Company').fill('Analytical Engines');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.locator('.status.done')).toBeVisible();
  // The form being sent is one of the moments the waiting beacons leave: nothing waits for the page to close.
  const sent = await sentBy(page);
  await page.context().close();
  return sent;
}

type Stats = Record<string, unknown> & { delivered: number };

async function stats(page: Page): Promise<Stats> {
  const today = new Date().toISOString().slice(0, 10);
  const response = await page.request.get(`${relay.url}/v1/admin/forms/contact/stats?from=${today}&to=${today}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  expect(response.status()).toBe(200);
  return (await response.json()) as Stats;
}

test('views, starts, a give-up at a known field and two completions add up to exact stats; Global Privacy Control sends nothing', async ({ browser, page }) => {
  // 1. From a paid campaign: a name, an email it leaves malformed (an error), then away.
  const quitter = await visit(browser, '?utm_source=google&utm_medium=cpc&utm_campaign=winter');
  const form = quitter.locator('[data-leadform="contact"]');
  await form.getByLabel('Name').fill('Ada');
  await form.getByLabel('Email').fill('ada@');
  await form.getByLabel('Name').focus();
  await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  const quit = await leave(quitter);
  expect(types(quit)).toEqual(['view', 'start', 'field_error', 'abandon']);
  expect(quit.at(-1)!.events.at(-1)).toEqual({
    type: 'abandon',
    step: 'you',
    field: 'email',
    source: 'google',
    medium: 'cpc',
    campaign: 'winter',
    device: 'desktop',
  });
  // What a beacon carries: no value the visitor typed.
  expect(JSON.stringify(quit)).not.toContain('Ada');
  expect(JSON.stringify(quit)).not.toContain('ada@');

  // 2 and 3. Two who complete it: one with no campaign, one from a newsletter; one beacon each, as the form is sent.
  const direct = await complete(await visit(browser), 'Grace');
  expect([direct.length, types(direct)]).toEqual([1, ['view', 'start', 'step']]);
  expect(direct[0]!.events[2]).toMatchObject({ type: 'step', step: 'firm' });
  await complete(await visit(browser, '?utm_source=news&utm_medium=email&utm_campaign=december'), 'Linus');

  // 4. One who only looks.
  expect(types(await leave(await visit(browser)))).toEqual(['view']);

  // 5. Global Privacy Control: the form works, and no beacon leaves, not even on the way out.
  const private_ = await visit(browser, '?utm_source=google&utm_medium=cpc&utm_campaign=winter', true);
  await private_.locator('[data-leadform="contact"]').getByLabel('Name').fill('Hidden');
  expect(await leave(private_)).toEqual([]);

  // The beacons sent on the way out arrive on their own time, and the sandbox delivers in the
  // background: wait for the relay's answer to become these counts.
  await expect
    .poll(() => stats(page))
    .toMatchObject({
      views: 4,
      starts: 3,
      submissions: 2,
      delivered: 2,
      dead: 0,
      conversion: 0.5,
      steps: [
        { id: 'you', reached: 3, abandoned: 1, errored: 1 },
        { id: 'firm', reached: 2, abandoned: 0, errored: 0 },
      ],
      fields: [
        { name: 'name', step: 'you', reached: 3, errored: 0, abandoned: 0 },
        { name: 'email', step: 'you', reached: 3, errored: 1, abandoned: 1 },
        { name: 'company', step: 'firm', reached: 2, errored: 0, abandoned: 0 },
      ],
      bySource: expect.arrayContaining([
        { source: 'google', medium: 'cpc', campaign: 'winter', views: 1, starts: 1, submissions: 0 },
        { source: 'news', medium: 'email', campaign: 'december', views: 1, starts: 1, submissions: 1 },
        { source: '', medium: '', campaign: '', views: 2, starts: 1, submissions: 1 },
      ]),
      byDevice: [{ device: 'desktop', views: 4, starts: 3 }],
    });
  // And no more: the private visitor's view and start never arrive.
  expect(await stats(page)).toMatchObject({ views: 4, starts: 3 });
});
