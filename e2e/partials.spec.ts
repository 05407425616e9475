/**
 * Partial leads in real Chromium against the real relay on Node: a visitor from a campaign types
 * an email into a form with `partials: true` and leaves the page without sending; the partial
 * kept on the way out (a keepalive request on pagehide) is promoted once the form's
 * `partialAfterMinutes` (a fraction of a second here) has passed, and reaches a fake webhook
 * exactly once, marked `lead.partial`, with the fields typed and the attribution.
 */
import { expect, test } from '@playwright/test';
import { type ReceivedWebhook, startWebhookFake } from '../src/destinations/fakes/webhook.ts';
import { PARTIAL_DEBOUNCE_MS } from '../widget/form/partials.ts';
import { startOwnRelay } from './own-relay.ts';

const CAMPAIGN = { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'autumn-partials' };

test('an email typed into a form the visitor leaves reaches the webhook once, as a partial lead', async ({ page }) => {
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
          // 0.3 s: the partial sent on the way out is promoted by the sweeper's next pass.
          partialAfterMinutes: 0.005,
        },
      },
      destinations: { hook: { type: 'webhook', ...hook.options, deliverPartials: true } },
    },
    { env: hook.env, pollMs: 100, partialSweepMs: 100 },
  );
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
