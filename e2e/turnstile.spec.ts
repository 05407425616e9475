/**
 * A form with a Cloudflare Turnstile challenge, in real Chromium: the relay checks each token
 * with a local stand-in for Cloudflare's siteverify, and Cloudflare's browser script (which this
 * machine cannot download) is played by a small script with the same explicit-render API: the
 * visitor ticks its box to earn a token.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { type FakeTurnstile, startFakeTurnstile } from '../src/relay/testing/fake-turnstile.ts';
import { type OwnRelay, startOwnRelay } from './own-relay.ts';

const SECRET = 'turnstile-secret-e2e-7f3a';
const SITE_KEY = '1x00000000000000000000AA';

/** Turnstile's explicit-render API: render(element, {sitekey, callback, …}), reset(id). */
const FAKE_CLIENT = `
window.turnstileRenders = [];
window.turnstile = {
  render(element, options) {
    const id = String(window.turnstileRenders.length);
    window.turnstileRenders.push({ sitekey: options.sitekey, language: options.language });
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.onchange = () => box.checked && options.callback('pass-' + id + '-' + Math.random().toString(36).slice(2));
    label.append(box, ' Verify you are human');
    element.append(label);
    window.turnstileResets = 0;
    this.reset = () => { box.checked = false; window.turnstileResets += 1; };
    return id;
  },
};`;

/**
 * A challenge that cannot run here (say, a site key not valid for this domain): Cloudflare calls
 * error-callback, here when the test calls `window.failChallenge()`.
 */
const FAILING_CLIENT = `
window.turnstile = {
  render(element, options) {
    window.failChallenge = () => { window.errorCallbackAnswered = options['error-callback'](); };
    return '0';
  },
  reset() {},
};`;

interface Guarded {
  relay: OwnRelay;
  verifier: FakeTurnstile;
  /** Every request for Cloudflare's script, by URL. */
  scripts: string[];
  /** Plays Cloudflare's script with `client` for the test's pages. */
  play(client: string): Promise<void>;
}

const test = base.extend<{ guarded: Guarded }>({
  /** A relay whose `contact` form asks for Turnstile, checking each token with the stand-in for siteverify. */
  guarded: async ({ context }, use) => {
    const verifier = await startFakeTurnstile(SECRET);
    const relay = await startOwnRelay(
      {
        forms: {
          contact: {
            fields: [{ name: 'email', type: 'email', label: { en: 'Email' }, required: true }],
            destination: 'inbox',
            minFillMs: 0,
            turnstile: { siteKey: SITE_KEY, secretEnv: 'TURNSTILE_SECRET_KEY' },
          },
        },
        destinations: { inbox: { type: 'sandbox' } },
      },
      { env: { TURNSTILE_SECRET_KEY: SECRET }, turnstileVerifyUrl: verifier.url },
    ).catch(async (error: unknown) => {
      await verifier.close();
      throw error;
    });
    const scripts: string[] = [];
    const play = async (client: string) => {
      await context.route('https://challenges.cloudflare.com/**', (route) => {
        scripts.push(route.request().url());
        return route.fulfill({ contentType: 'text/javascript', body: client });
      });
    };
    await use({ relay, verifier, scripts, play });
    // The browser lets go of the relay before the relay stops. Chromium can hold a connection it
    // opened ahead of need (a preconnect) with no request sent on it; Node's server.close() waits
    // for every connection and, once closing, never times such a one out, so stopping the relay
    // under an open page could wait past the test's timeout after every assertion had passed.
    // Closed here, after the test, the context still gives a failure its trace and page snapshot.
    await context.close();
    await relay.close();
    await verifier.close();
  },
});

const inboxEmails = async (page: Page, relay: OwnRelay) =>
  ((await (await page.request.get(`${relay.url}/sandbox/inbox.json`)).json()) as { lead: { fields: { email: string } } }[]).map(
    (item) => item.lead.fields.email,
  );

test('a visitor earns a Turnstile token, the relay checks it, and the lead arrives', async ({ page, guarded }) => {
  const { relay, verifier, scripts } = guarded;
  await guarded.play(FAKE_CLIENT);
  await page.goto(`${relay.url}/`);
  const form = page.locator('[data-leadform="contact"]');
  await form.getByLabel('Email').fill('turnstile@example.com');
  // The challenge is the host's light-DOM child, shown at its slot in the form.
  const challenge = form.locator(':scope > [slot="challenge"]');
  await expect(challenge.getByLabel('Verify you are human')).toBeVisible();
  expect(scripts).toEqual(['https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit']);
  expect(await page.evaluate(() => (window as unknown as { turnstileRenders: unknown[] }).turnstileRenders)).toEqual([{ sitekey: SITE_KEY, language: 'en' }]);

  // Sent before the challenge is done: the form waits for the token, then sends.
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByRole('button', { name: 'Sending…' })).toBeVisible();
  // click, not check: the token is taken at once and the challenge reset, which clears the box.
  await challenge.getByLabel('Verify you are human').click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();

  expect(verifier.checks).toHaveLength(1);
  expect(verifier.checks[0]).toMatchObject({ secret: SECRET, response: expect.stringMatching(/^pass-0-/) });
  // A token is good once: the challenge starts again for whatever comes next.
  expect(await page.evaluate(() => (window as unknown as { turnstileResets: number }).turnstileResets)).toBe(1);
  // Delivery follows the relay's 202 by a moment: the inbox has the lead once its loop has run.
  await expect.poll(() => inboxEmails(page, relay)).toEqual(['turnstile@example.com']);
});

for (const when of ['while the form waits for it', 'before the visitor sends'] as const) {
  test(`a challenge that cannot run (failing ${when}) ends in a failure the visitor sees, not an endless "Sending…"`, async ({ page, guarded }) => {
    const { relay } = guarded;
    await guarded.play(FAILING_CLIENT);
    await page.goto(`${relay.url}/`);
    const form = page.locator('[data-leadform="contact"]');
    await form.getByLabel('Email').fill('blocked@example.com');
    await page.waitForFunction(() => typeof (window as unknown as { failChallenge?: unknown }).failChallenge === 'function');
    const failChallenge = () => page.evaluate(() => (window as unknown as { failChallenge(): void }).failChallenge());
    if (when === 'before the visitor sends') await failChallenge();
    await form.getByRole('button', { name: 'Send' }).click();
    if (when === 'while the form waits for it') {
      await expect(form.getByRole('button', { name: 'Sending…' })).toBeVisible();
      await failChallenge();
    }
    await expect(form.getByRole('status')).toHaveText('Your message could not be sent. Please try again.');
    // true tells Cloudflare's script the error was handled, so it throws nothing into the page.
    expect(await page.evaluate(() => (window as unknown as { errorCallbackAnswered: unknown }).errorCallbackAnswered)).toBe(true);
    expect(await inboxEmails(page, relay)).toEqual([]);
  });
}

test('offline, a form with a challenge is not queued for later; back online, its retry keeps the token and goes through', async ({
  page,
  context,
  guarded,
}) => {
  const { relay, verifier } = guarded;
  await guarded.play(FAKE_CLIENT);
  await page.goto(`${relay.url}/`);
  const form = page.locator('[data-leadform="contact"]');
  await form.getByLabel('Email').fill('offline-challenge@example.com');
  await form.locator(':scope > [slot="challenge"]').getByLabel('Verify you are human').click();
  await context.setOffline(true);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByRole('status')).toHaveText('Your message could not be sent. Please try again.');
  expect(await page.evaluate(() => localStorage.getItem('leadform:queue'))).toBeNull();

  await context.setOffline(false);
  await form.getByRole('button', { name: 'Try again' }).click();
  await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
  expect(verifier.checks.map((check) => check.response)).toHaveLength(1);
  await expect.poll(() => inboxEmails(page, relay)).toEqual(['offline-challenge@example.com']);
});
