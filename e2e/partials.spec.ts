/**
 * Partial leads in real Chromium against the real relay on Node: a visitor from a campaign types
 * an email into a form with `partials: true` and leaves the page without sending; the partial
 * kept on the way out (a keepalive request on pagehide) is promoted once the form's
 * `partialAfterMinutes` (a fraction of a second here) has passed, and reaches a fake webhook
 * exactly once, marked `lead.partial`, with the fields typed and the attribution. A visitor who
 * completes the form after a partial was kept reaches it once, as the lead itself.
 */
import { expect, test } from '@playwright/test';
import { type ReceivedWebhook, startWebhookFake } from '../src/destinations/fakes/webhook.ts';
import { PARTIAL_DEBOUNCE_MS } from '../widget/form/partials.ts';
import { startOwnRelay } from './own-relay.ts';

const CAMPAIGN = { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'autumn-partials' };

/** A fake webhook, and a relay of the test's own whose `contact` form keeps partials for `minutes` and delivers them there. */
async function startPartialsRelay(minutes: number) {
  const hook = await startWebhookFake();
  const relay = await startOwnRelay(
    {
      forms: {
        contact: {
          fields: [
            { name: 'name', type: 'text', label: { en: 'Name' }, required: true },
            { name: 'email', type: 'email', label: { en: 'Email' }, required: true },
            { name: 'company', type: 'text', label: { en: 'Company' } },
          ],
          destination: 'hook',
          partials: true,
          minFillMs: 0,
          partialAfterMinutes: minutes,
        },
      },
      destinations: { hook: { type: 'webhook', ...hook.options, deliverPartials: true } },
    },
    { env: hook.env, pollMs: 100, partialSweepMs: 100 },
  );
  return { hook, relay };
}

test('an email typed into a form the visitor leaves reaches the webhook once, as a partial lead', async ({ page }) => {
  // 0.3 s: the partial sent on the way out is promoted by the sweeper's next pass.
  const { hook, relay } = await startPartialsRelay(0.005);
  try {
    const email = `ada.${Date.now()}@example.com`;
    await page.goto(`${relay.url}/?${new URLSearchParams(CAMPAIGN)}`);
    const form = page.locator('[data-leadform="contact"]');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Company').fill('Analytical Engines');
    const started = Date.now();
    // Leaving the page at once: the partial goes out on pagehide, long before its debounce.
    await page.goto('about:blank');
    await expect(() => {
      const received = hook.leadsWithEmail(email) as ReceivedWebhook[];
      expect(received).toHaveLength(1);
      expect(received[0]!.payload).toMatchObject({
        type: 'lead.partial',
        data: { partial: true, fields: { email, company: 'Analytical Engines' } },
      });
      expect(JSON.stringify(received[0]!.payload.data.attribution)).toContain(CAMPAIGN.utm_campaign);
    }).toPass({ timeout: 15_000 });
    // Sent on the way out, not by the debounce, which would have waited for the page to stay.
    expect(Date.now() - started).toBeLessThan(PARTIAL_DEBOUNCE_MS);
  } finally {
    await relay.close();
    await hook.close();
  }
});

test('a visitor who completes the form after a partial was kept reaches the webhook once, as the lead, never as a partial lead', async ({ page, context }) => {
  test.setTimeout(45_000);
  // 3 s: long enough for the visitor to finish, short enough to see it pass.
  const { hook, relay } = await startPartialsRelay(0.05);
  try {
    const done = `grace.${Date.now()}@example.com`;
    await page.goto(relay.url);
    const form = page.locator('[data-leadform="contact"]');
    const kept = page.waitForRequest((request) => request.url().endsWith('/v1/forms/contact/partials'));
    await form.getByLabel('Email').fill(done);
    const partial = await kept;
    await form.getByLabel('Name').fill('Grace Hopper');
    const submitted = page.waitForRequest((request) => request.url().endsWith('/v1/forms/contact/submissions'));
    await form.getByRole('button', { name: 'Send' }).click();
    await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
    expect((await submitted).headers()['idempotency-key']).toBe(partial.headers()['idempotency-key']);

    // Another visitor leaves after typing an email: their partial lead, due after the first
    // visitor's partial would have been, is the sign that its time has passed.
    const other = await context.newPage();
    const left = `ada.${Date.now()}@example.com`;
    await other.goto(relay.url);
    await other.locator('[data-leadform="contact"]').getByLabel('Email').fill(left);
    await other.goto('about:blank');
    await expect(() => expect(hook.leadsWithEmail(left)).toHaveLength(1)).toPass({ timeout: 20_000 });
    const received = hook.leadsWithEmail(done) as ReceivedWebhook[];
    expect(received.map((item) => [item.payload.type, item.payload.data.fields.name])).toEqual([['lead.created', 'Grace Hopper']]);
  } finally {
    await relay.close();
    await hook.close();
  }
});
