import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { startOwnRelay } from './own-relay.ts';

const KEY = 'leadform_attribution';

interface Lead {
  fields: Record<string, string>;
  attribution?: { first?: Record<string, string>; last?: Record<string, string>; touches?: number };
}

const stored = (page: Page) => page.evaluate((key) => localStorage.getItem(key), KEY);

async function storedJourney(page: Page) {
  const value = await stored(page);
  return value ? (JSON.parse(decodeURIComponent(value)) as { touches: number }) : undefined;
}

/** Fills and sends the demo `contact` form on the current page. */
async function submitContact(page: Page, name: string) {
  const form = page.locator('[data-leadform="contact"]');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill('grace@example.com');
  // A person takes a moment; the relay drops submissions faster than the form's minimum fill time.
  await page.waitForTimeout(1600);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
}

async function leadNamed(request: APIRequestContext, name: string): Promise<Lead> {
  let lead: Lead | undefined;
  await expect
    .poll(async () => {
      const items = (await (await request.get('/sandbox/inbox.json')).json()) as { lead: Lead }[];
      lead = items.find((item) => item.lead.fields.name === name)?.lead;
      return lead !== undefined;
    })
    .toBe(true);
  return lead!;
}

test('a lead sent pages after the landing carries its first touch; a later campaign visit changes the last touch only', async ({ page, request }) => {
  const run = Date.now();
  const landing = `/demo/attribution/a.html?utm_source=newsletter&utm_medium=email&utm_campaign=spring-${run}`;
  await page.goto(landing);
  await expect.poll(() => storedJourney(page)).toMatchObject({ touches: 1 });
  await page.getByRole('link', { name: 'Talk to us' }).click();
  await expect(page).toHaveURL(/\/demo\/attribution\/b\.html$/);

  const firstName = `Grace first ${run}`;
  await submitContact(page, firstName);
  const firstTouch = {
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: `spring-${run}`,
    landing_page: expect.stringContaining(landing),
  };
  const first = await leadNamed(request, firstName);
  expect(first.attribution).toMatchObject({ first: firstTouch, last: firstTouch, touches: 1 });
  // The page the form was on has no campaign, and its referrer (page A) is this site.
  expect(first.attribution?.first).not.toHaveProperty('referrer');

  // Days later the visitor comes back from a search ad.
  await page.goto('/demo/attribution/a.html?UTM_Source=google&utm_medium=cpc&gclid=G-123', { referer: 'https://www.google.com/' });
  await expect.poll(() => storedJourney(page)).toMatchObject({ touches: 2 });
  await page.goto('/demo/attribution/b.html');
  await page.evaluate(() => (window as unknown as { LeadForm(...args: unknown[]): void }).LeadForm('set', { utm_content: 'hero-banner' }));
  const secondName = `Grace second ${run}`;
  await submitContact(page, secondName);
  const second = await leadNamed(request, secondName);
  expect(second.attribution).toMatchObject({
    first: firstTouch,
    last: { utm_source: 'google', utm_medium: 'cpc', gclid: 'G-123', utm_content: 'hero-banner', referrer: 'https://www.google.com/' },
    touches: 2,
  });
  expect(second.attribution?.last).not.toHaveProperty('utm_campaign');
  expect(second.attribution?.first).not.toHaveProperty('utm_content');
});

test('with data-consent="required" nothing is stored until LeadForm(\'consent\', true), and refusing erases it', async ({ page, context }) => {
  await page.goto('/demo/attribution/consent.html?utm_source=partner&utm_campaign=consent-check');
  await expect(page.locator('[data-leadform="contact"]').getByLabel('Email')).toBeVisible();
  // The capture module has run once it is loaded; give any write a moment to land.
  await page.evaluate((url) => import(url), '/v1/widget/attribution.js');
  await page.waitForTimeout(300);
  expect(await stored(page)).toBeNull();
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain(KEY);

  await page.getByRole('button', { name: 'Accept cookies' }).click();
  await expect.poll(() => storedJourney(page)).toMatchObject({ first: { utm_source: 'partner', utm_campaign: 'consent-check' }, touches: 1 });
  const cookie = (await context.cookies()).find((c) => c.name === KEY);
  expect(cookie?.value).toBe(await stored(page));
  // data-attribution-days="30" on the script tag.
  expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(29 * 864e5);
  expect(cookie!.expires * 1000 - Date.now()).toBeLessThan(31 * 864e5);

  await page.getByRole('button', { name: 'Refuse' }).click();
  await expect.poll(() => stored(page)).toBeNull();
  expect((await context.cookies()).map((c) => c.name)).not.toContain(KEY);
});

test('a form whose definition requires consent holds attribution on every page of the relay, even one without a form', async ({ page, context }) => {
  const relay = await startOwnRelay({
    forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], destination: 'inbox', requireConsent: true } },
    destinations: { inbox: { type: 'sandbox' } },
  });
  try {
    // The landing page has no form and its script tag no data-consent: the rule comes from the relay.
    await page.goto(`${relay.url}/demo/attribution/a.html?utm_source=partner`);
    await page.evaluate((url) => import(url), '/v1/widget/attribution.js');
    await page.waitForTimeout(300);
    expect(await stored(page)).toBeNull();
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain(KEY);

    await page.evaluate(() => (window as unknown as { LeadForm(...args: unknown[]): void }).LeadForm('consent', true));
    await expect.poll(() => storedJourney(page)).toMatchObject({ first: { utm_source: 'partner' }, touches: 1 });
  } finally {
    await relay.close();
  }
});

test('a single-page app that rewrites its address after the script ran still has its campaign recorded', async ({ page }) => {
  // The loader runs (synchronously here), then the app drops ?utm_… before attribution.js has downloaded.
  await page.route('**/demo/attribution/rewrite.html*', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><title>app</title><script src="/v1/leadform.js"></script><script>history.replaceState(null, '', '/demo/attribution/rewrite.html#/home')</script>`,
    }),
  );
  await page.goto('/demo/attribution/rewrite.html?utm_source=spa-campaign');
  await expect.poll(() => storedJourney(page)).toMatchObject({ first: { utm_source: 'spa-campaign' } });
});
