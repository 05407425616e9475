/**
 * For every CRM destination (each fake in src/destinations/fakes/index.ts, with its own record
 * check and custom fields): a visitor from a campaign fills the demo form in real Chromium, the
 * real relay (on Node, its own SQLite folder) delivers the lead to a fake of that vendor, and
 * the vendor's record holds the fields and the attribution where the adapter maps them. Each
 * test starts its own fake and relay on free ports, so the tests run in parallel.
 */
import { expect, test } from '@playwright/test';
import { FAKES, type LeadValues } from '../src/destinations/fakes/index.ts';
import { startOwnRelay } from './own-relay.ts';

const CAMPAIGN = { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring-launch' };

for (const [type, profile] of Object.entries(FAKES)) {
  test(`a lead submitted in the browser arrives at ${type} with its fields and attribution`, async ({ page }) => {
    test.setTimeout(60_000);
    const fake = await profile.start();
    const relay = await startOwnRelay(
      {
        forms: {
          contact: {
            title: { en: 'Contact us' },
            fields: [
              { name: 'name', type: 'text', label: { en: 'Name' }, required: true },
              { name: 'email', type: 'email', label: { en: 'Email' }, required: true },
              { name: 'company', type: 'text', label: { en: 'Company' } },
              { name: 'message', type: 'textarea', label: { en: 'Message' } },
            ],
            destination: 'crm',
            minFillMs: 0,
            ...(profile.browser.mapping ? { mapping: profile.browser.mapping } : {}),
          },
        },
        destinations: { crm: { type, ...fake.options } },
      },
      { env: fake.env, pollMs: 200 },
    );
    const url = relay.url;
    try {
      const visitor = {
        name: 'Grace Brewster Hopper',
        email: `grace.${type}.${Date.now()}@example.com`,
        company: `Hopper Compilers ${type}`,
        message: `Ünïcödé welcome — call me 📞 (${type})`,
      };
      const lead: LeadValues = { fields: visitor, attribution: { last: CAMPAIGN } };
      await page.goto(`${url}/?${new URLSearchParams(CAMPAIGN)}`);
      const form = page.locator('[data-leadform="contact"]');
      await form.getByLabel('Name').fill(visitor.name);
      await form.getByLabel('Email').fill(visitor.email);
      await form.getByLabel('Company').fill(visitor.company);
      await form.getByLabel('Message').fill(visitor.message);
      await form.getByRole('button', { name: 'Send' }).click();
      await expect(form.getByText("Thank you! We'll be in touch.")).toBeVisible();
      // A delivery can take several vendor calls (Pipedrive: person, organization, lead, note):
      // wait until the whole record has landed, and exactly once.
      await expect(() => {
        const stored = fake.leadsWithEmail(visitor.email);
        expect(stored).toHaveLength(1);
        profile.browser.expectArrived(expect, stored[0], lead, fake);
      }).toPass({ timeout: 20_000 });
    } finally {
      await relay.close();
      await fake.close();
    }
  });
}
