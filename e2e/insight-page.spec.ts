/**
 * The admin page's insight view, in real Chromium against a relay of its own: funnel events and
 * submissions go in through the real HTTP routes, and the page must show, cell by cell, the counts
 * the stats API gives (and which the events make known in advance); each table downloads as the
 * CSV of those numbers; axe finds no WCAG 2.2 AA violation; everything is reachable by keyboard.
 * Screenshots at 1280 px and 375 px go to the test's output folder (the README's come from there).
 */
import { readFileSync } from 'node:fs';
import { type APIRequestContext, expect, type Locator, type Page, test } from '@playwright/test';
import { lastDays } from '../admin/insight/range.ts';
import { expectNoViolations } from './look-helpers.ts';
import { type OwnRelay, startOwnRelay } from './own-relay.ts';

const TOKEN = 'insight-page-admin-token-0123456789abcdef';
const AUTH = { Authorization: `Bearer ${TOKEN}` };

const CALLBACK_FIELDS = [
  { name: 'name', type: 'text', label: 'Name' },
  { name: 'email', type: 'email', label: 'Email', required: true },
  { name: 'topic', type: 'text', label: 'Topic' },
];

const CONFIG = {
  forms: {
    quote: {
      title: 'Get a quote',
      partials: true,
      minFillMs: 0,
      destinations: ['inbox', 'copy'],
      allowedOrigins: ['self'],
      fields: [
        { name: 'name', type: 'text', label: 'Name', required: true },
        { name: 'email', type: 'email', label: 'Email', required: true },
        { name: 'company', type: 'text', label: 'Company', required: true },
        { name: 'size', type: 'radio', label: 'Size', options: [{ value: '1-10' }, { value: '11+' }] },
      ],
      steps: [
        { id: 'you', title: 'About you', fields: ['name', 'email'] },
        { id: 'company', title: 'Your company', fields: ['company', 'size'] },
      ],
    },
    quiet: { minFillMs: 0, destination: 'inbox', allowedOrigins: ['self'], fields: [{ name: 'email', type: 'email', required: true }] },
    // Partials: one kept for half an hour, one that becomes a partial lead at once.
    callback: { partials: true, minFillMs: 0, destination: 'inbox', allowedOrigins: ['self'], fields: CALLBACK_FIELDS },
    many: { partials: true, minFillMs: 0, destination: 'inbox', allowedOrigins: ['self'], fields: CALLBACK_FIELDS },
    brief: { partials: true, partialAfterMinutes: 0.005, minFillMs: 0, destination: 'inbox', allowedOrigins: ['self'], fields: CALLBACK_FIELDS },
  },
  destinations: { inbox: { type: 'sandbox' }, copy: { type: 'sandbox' } },
  // Room for the 51 partials of the paging test from one address.
  limits: { perIp: { requests: 1000, perSeconds: 60 } },
};

const SPRING = { source: 'newsletter', medium: 'email', campaign: 'spring' };

/** What the visitors did: 5 views (3 on a desktop), 3 starts, 2 on to the second step, 3 errors, 1 left at company, 2 sent. */
const EVENTS = [
  ...Array.from({ length: 3 }, () => ({ type: 'view', device: 'desktop', ...SPRING })),
  { type: 'view', device: 'mobile' },
  { type: 'view', device: 'mobile' },
  { type: 'start', device: 'desktop', ...SPRING },
  { type: 'start', device: 'desktop', ...SPRING },
  { type: 'start', device: 'mobile' },
  { type: 'step', step: 'company', ...SPRING },
  { type: 'step', step: 'company', ...SPRING },
  { type: 'field_error', step: 'you', field: 'email', ...SPRING },
  { type: 'field_error', step: 'you', field: 'email' },
  { type: 'field_error', step: 'company', field: 'company', ...SPRING },
  { type: 'abandon', step: 'company', field: 'company', ...SPRING },
];

interface Stats {
  views: number;
  starts: number;
  submissions: number;
  delivered: number;
  conversion: number;
  steps: { id: string; reached: number; errored: number; abandoned: number }[];
  fields: { name: string; reached: number; errored: number; abandoned: number }[];
  bySource: { source: string; medium: string; campaign: string; views: number; starts: number; submissions: number }[];
  byDevice: { device: string; views: number; starts: number }[];
  byDestination: { destination: string; submissions: number; delivered: number; dead: number }[];
}

let relay: OwnRelay;
let stats: Stats;
const range = lastDays(30);
const statsPath = (form: string) => `/v1/admin/forms/${form}/stats?from=${range.from}&to=${range.to}`;

async function readStats(request: APIRequestContext, form: string): Promise<Stats> {
  const answer = await request.get(`${relay.url}${statsPath(form)}`, { headers: AUTH });
  expect(answer.status()).toBe(200);
  return (await answer.json()) as Stats;
}

// One relay and one set of events for the file: the tests only read what they made.
test.describe.configure({ mode: 'default' });

test.beforeAll(async ({ request }) => {
  relay = await startOwnRelay(CONFIG, { env: { LEADFORM_ADMIN_TOKEN: TOKEN }, partialSweepMs: 100 });
  const beacons = await request.post(`${relay.url}/v1/forms/quote/events`, {
    headers: { Origin: relay.url, 'Content-Type': 'text/plain' },
    data: JSON.stringify({ events: EVENTS }),
  });
  expect(beacons.status()).toBe(204);
  for (const name of ['Ada', 'Grace']) {
    const accepted = await request.post(`${relay.url}/v1/forms/quote/submissions`, {
      headers: { Origin: relay.url },
      data: {
        fields: { name, email: `${name.toLowerCase()}@example.com`, company: 'Analytical Engines' },
        attribution: { last: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring' } },
      },
    });
    expect(accepted.status()).toBe(202);
  }
  // A visitor who typed an email and stopped: waiting for the rest, in the screenshots' partials list.
  const kept = await request.post(`${relay.url}/v1/forms/quote/partials`, {
    headers: { Origin: relay.url, 'Idempotency-Key': 'quote-visit-waiting-1' },
    data: { fields: { name: 'Alan', email: 'alan@example.com' } },
  });
  expect(kept.status()).toBe(202);
  // Reading the stats writes the waiting counters first; delivered follows the sandbox's own pace.
  await expect.poll(async () => (stats = await readStats(request, 'quote')).delivered, { timeout: 10_000 }).toBe(2);
});
test.afterAll(async () => relay?.close());

async function openInsight(page: Page, hash: string): Promise<void> {
  await page.goto(`${relay.url}/admin${hash}`);
  await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A table's body as text, cell by cell, row headers included. */
async function cells(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent!.trim())));
}

const tableOf = (page: Page, slug: string) => page.locator(`[data-table="${slug}"] table`);
const pct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '—');

test('the page shows the exact counts the stats API gives for the events and submissions sent', async ({ page }) => {
  // The numbers the events make, so the API and the page are checked against what happened, not only against each other.
  expect({ views: stats.views, starts: stats.starts, submissions: stats.submissions, delivered: stats.delivered, conversion: stats.conversion }).toEqual({
    views: 5,
    starts: 3,
    submissions: 2,
    delivered: 2,
    conversion: 0.4,
  });
  await openInsight(page, `#view=insight&form=quote&from=${range.from}&to=${range.to}`);
  await expect(page.getByRole('status')).toHaveText(`Form quote, ${range.from} to ${range.to} (UTC days).`);

  await expect(page.locator('[data-term="conversion"] dd')).toHaveText('40.0%');
  expect(await cells(tableOf(page, 'funnel'))).toEqual([
    ['Views', String(stats.views), '100.0%', '—'],
    ['Starts', String(stats.starts), pct(stats.starts, stats.views), pct(stats.starts, stats.views)],
    ['Submissions', String(stats.submissions), pct(stats.submissions, stats.views), pct(stats.submissions, stats.starts)],
    ['Delivered', String(stats.delivered), pct(stats.delivered, stats.views), pct(stats.delivered, stats.submissions)],
  ]);
  expect(await cells(tableOf(page, 'steps'))).toEqual(
    stats.steps.map((step) => [step.id, String(step.reached), String(step.errored), String(step.abandoned), pct(step.reached, stats.steps[0]!.reached)]),
  );
  expect(stats.steps.map((step) => [step.id, step.reached, step.errored, step.abandoned])).toEqual([
    ['you', 3, 2, 0],
    ['company', 2, 1, 1],
  ]);
  expect(await cells(tableOf(page, 'fields'))).toEqual(
    stats.fields.map((field) => [field.name, String(field.reached), String(field.errored), String(field.abandoned), pct(field.abandoned, field.reached)]),
  );
  expect(stats.fields.find((field) => field.name === 'company')).toMatchObject({ reached: 2, errored: 1, abandoned: 1 });
  expect(await cells(tableOf(page, 'errors'))).toEqual([
    ['email', '2', '66.7%'],
    ['company', '1', '33.3%'],
  ]);
  expect(await cells(tableOf(page, 'sources'))).toEqual([
    ['newsletter', 'email', 'spring', '3', '2', '2', '66.7%'],
    ['(none)', '(none)', '(none)', '2', '1', '0', '0.0%'],
  ]);
  expect(stats.bySource).toHaveLength(2);
  expect(await cells(tableOf(page, 'devices'))).toEqual(
    stats.byDevice.map((row) => [row.device, String(row.views), String(row.starts), pct(row.starts, row.views)]),
  );
  expect(stats.byDevice.map((row) => [row.device, row.views, row.starts])).toEqual([
    ['desktop', 3, 2],
    ['mobile', 2, 1],
  ]);
  // Two destinations: each is sent and delivers both leads, which the funnel counts once.
  expect(await cells(tableOf(page, 'destinations'))).toEqual(
    stats.byDestination.map((row) => [row.destination, String(row.submissions), String(row.delivered), String(row.dead), pct(row.delivered, row.submissions)]),
  );
  expect(stats.byDestination.map((row) => [row.destination, row.submissions, row.delivered, row.dead]).sort()).toEqual([
    ['copy', 2, 2, 0],
    ['inbox', 2, 2, 0],
  ]);
  // The series over days: today holds every count, the other days of the range none.
  await page.getByText('Table: Per day (UTC)').click();
  const days = await cells(tableOf(page, 'days'));
  expect(days).toHaveLength(30);
  expect(days.at(-1)).toEqual([range.to, '5', '3', '2', '2']);
  expect(days.slice(0, -1).every((day) => day.slice(1).every((count) => count === '0'))).toBe(true);
  // Each chart is drawn, and named for assistive technology by the table that carries its numbers.
  await expect(page.locator('[data-block="funnel"] canvas').first()).toBeVisible();
  await expect(page.locator('[data-block="funnel"] [role="img"]')).toHaveAttribute('aria-label', /views 5, starts 3, submissions 2, delivered 2/);
});

test('each table downloads as the CSV of its numbers, quoted as RFC 4180 says', async ({ page }) => {
  await openInsight(page, `#view=insight&form=quote&from=${range.from}&to=${range.to}`);
  const download = async (slug: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-table="${slug}"] button`).click()]);
    return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
  };
  expect(await download('funnel')).toEqual({
    name: `leadform-quote-${range.from}-${range.to}-funnel.csv`,
    text: 'Stage,Count,% of views,% of previous stage\r\nViews,5,100.0%,—\r\nStarts,3,60.0%,60.0%\r\nSubmissions,2,40.0%,66.7%\r\nDelivered,2,40.0%,100.0%\r\n',
  });
  expect((await download('sources')).text).toBe(
    'Source,Medium,Campaign,Views,Starts,Submissions,Conversion\r\nnewsletter,email,spring,3,2,2,66.7%\r\n(none),(none),(none),2,1,0,0.0%\r\n',
  );
  expect((await download('fields')).text.split('\r\n')[3]).toBe('company,2,1,1,50.0%');
});

test('axe finds no WCAG 2.2 AA violation, and a keyboard reaches every control and changes the range and the form', async ({ page }) => {
  // Which form's partial leads the page asks for: a form's own, whatever the range.
  const partialsOf: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/v1/admin/partials') partialsOf.push(url.searchParams.get('form') ?? '');
  });
  await openInsight(page, `#view=insight&form=quote&from=${range.from}&to=${range.to}`);
  await expect(page.locator('[data-table="funnel"]')).toBeVisible();
  await expect(page.locator('[data-block="funnel"] canvas').first()).toBeVisible();
  await expectNoViolations(page);

  // Tab from the view's link through the controls to the first table's download.
  await page.getByRole('link', { name: 'Insight' }).focus();
  const reached: string[] = [];
  // A date input takes three presses (month, day, year): each control is listed once.
  for (let press = 0; press < 20 && reached.at(-1) !== 'Download CSV of the table Funnel'; press++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      return element.getAttribute('aria-labelledby')
        ? `region ${document.getElementById(element.getAttribute('aria-labelledby')!)?.textContent}`
        : (element.closest('label')?.textContent?.trim().split(/\s/)[0] ?? element.textContent!.trim());
    });
    if (name !== reached.at(-1)) reached.push(name);
  }
  expect(reached).toEqual([
    'Sign out',
    'Form',
    'Last 7 days',
    'Last 30 days',
    'Last 90 days',
    'From',
    'To',
    'region Funnel',
    'Download CSV of the table Funnel',
  ]);

  // A preset, by keyboard: the range and the link change with it.
  await page.getByRole('button', { name: 'Last 7 days' }).focus();
  await page.keyboard.press('Enter');
  const week = lastDays(7);
  await expect(page.getByRole('button', { name: 'Last 7 days' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('status')).toHaveText(`Form quote, ${week.from} to ${week.to} (UTC days).`);
  expect(new URL(page.url()).hash).toBe(`#view=insight&form=quote&from=${week.from}&to=${week.to}`);
  expect(partialsOf).toEqual(['quote']);

  // Another form, by keyboard: one with nothing yet shows the empty state, and axe is content with it too.
  await page.getByLabel('Form').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('heading', { name: 'Nothing yet' })).toBeVisible();
  await expect(page.locator('[data-table]')).toHaveCount(0);
  expect(new URL(page.url()).hash).toContain('form=quiet');
  await expect.poll(() => partialsOf).toEqual(['quote', 'quiet']);
  await expectNoViolations(page);
});

test('a link opens the range it names; a bad range in it falls back to the last 30 days', async ({ page, request }) => {
  const quiet = await readStats(request, 'quiet');
  expect(quiet.views).toBe(0);
  await openInsight(page, '#view=insight&form=quote&from=2020-01-01&to=2020-01-31');
  await expect(page.getByRole('status')).toHaveText('Form quote, 2020-01-01 to 2020-01-31 (UTC days).');
  await expect(page.getByRole('heading', { name: 'Nothing yet' })).toBeVisible();
  await expect(page.getByLabel('From')).toHaveValue('2020-01-01');
  await expect(page.getByRole('button', { name: 'Last 30 days' })).toHaveAttribute('aria-pressed', 'false');
  await page.evaluate(() => (location.hash = 'view=insight&form=quote&from=2020-02-30&to=nope'));
  await expect(page.getByRole('status')).toHaveText(`Form quote, ${range.from} to ${range.to} (UTC days).`);
  await expect(page.getByRole('button', { name: 'Last 30 days' })).toHaveAttribute('aria-pressed', 'true');
  // A form the relay does not have: its own words, not an empty page.
  await page.evaluate(() => (location.hash = 'view=insight&form=gone'));
  await expect(page.locator('.insight > [role="alert"]')).toHaveText('There is no form "gone"; check the form id in the embed snippet.');
  await expect(page.locator('[data-block]')).toHaveCount(0);
});

test('the partial leads list shows when, which fields were filled, and what became of each, as the relay lists them', async ({ page, request }) => {
  const keep = (form: string, key: string, fields: Record<string, string>) =>
    request.post(`${relay.url}/v1/forms/${form}/partials`, { headers: { Origin: relay.url, 'Idempotency-Key': key }, data: { fields } });
  expect((await keep('callback', 'visit-waiting-0001', { name: 'Ada', email: 'ada@example.com' })).status()).toBe(202);
  expect((await keep('callback', 'visit-completed-01', { email: 'grace@example.com' })).status()).toBe(202);
  const completed = await request.post(`${relay.url}/v1/forms/callback/submissions`, {
    headers: { Origin: relay.url, 'Idempotency-Key': 'visit-completed-01' },
    data: { fields: { email: 'grace@example.com', topic: 'Pricing' } },
  });
  expect(completed.status()).toBe(202);
  expect((await keep('brief', 'visit-left-000001', { email: 'edsger@example.com', topic: 'Demo' })).status()).toBe(202);
  const listed = async (form: string) =>
    (await (await request.get(`${relay.url}/v1/admin/partials?form=${form}`, { headers: AUTH })).json()) as { key: string; state: string; updatedAt: string }[];
  await expect.poll(async () => (await listed('brief')).map((partial) => partial.state), { timeout: 10_000 }).toEqual(['promoted']);
  const waiting = await listed('callback');
  // The completed one is superseded by its lead, so the relay no longer lists it.
  expect(waiting.map((partial) => [partial.key, partial.state])).toEqual([['visit-waiting-0001', 'pending']]);

  await openInsight(page, '#view=insight&form=callback');
  const rows = page.locator('[data-partial]');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td').nth(0)).toHaveText('name, email');
  await expect(rows.first().locator('td').nth(1)).toHaveText(/^waiting \(until .+\)$/);
  await expect(rows.first().locator('th time')).toHaveAttribute('datetime', waiting[0]!.updatedAt);

  await page.getByLabel('Form').selectOption('brief');
  await expect(page.locator('[data-partial="visit-left-000001"] td').nth(0)).toHaveText('email, topic');
  await expect(page.locator('[data-partial="visit-left-000001"] td').nth(1)).toHaveText(/^became a partial lead \(.+\)$/);
  await expectNoViolations(page);
});

test('the partial leads list pages with the Link header: 50, then More for the rest, in the relay order', async ({ page, request }) => {
  for (let visit = 0; visit <= 50; visit++) {
    const key = `many-visit-${String(visit).padStart(3, '0')}`;
    const kept = await request.post(`${relay.url}/v1/forms/many/partials`, {
      headers: { Origin: relay.url, 'Idempotency-Key': key },
      data: { fields: { email: `visitor${visit}@example.com` } },
    });
    expect(kept.status(), key).toBe(202);
  }
  const all = (await (await request.get(`${relay.url}/v1/admin/partials?form=many&limit=1000`, { headers: AUTH })).json()) as { key: string }[];
  expect(all).toHaveLength(51);

  await openInsight(page, '#view=insight&form=many');
  const rows = page.locator('[data-partial]');
  await expect(rows).toHaveCount(50);
  await page.getByRole('button', { name: 'More' }).click();
  await expect(rows).toHaveCount(51);
  await expect(page.getByRole('button', { name: 'More' })).toHaveCount(0);
  expect(await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-partial')))).toEqual(all.map((partial) => partial.key));
});

for (const width of [1280, 375]) {
  test(`screenshot at ${width} px: nothing wider than the page but the tables' own scrolling`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height: 900 });
    await openInsight(page, `#view=insight&form=quote&from=${range.from}&to=${range.to}`);
    await expect(page.locator('[data-block="sources"] canvas').first()).toBeVisible();
    await expect(page.locator('[data-partial="quote-visit-waiting-1"]')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: testInfo.outputPath(`insight-${width}.png`), fullPage: true });
  });
}
