/**
 * For every CRM destination: a visitor from a campaign fills the demo form in real Chromium, the
 * real relay (on Node, its own SQLite folder) delivers the lead to a fake of that vendor, and
 * the vendor's record holds the fields and the attribution where the adapter maps them. Each
 * test starts its own fake and relay on free ports, so the tests run in parallel.
 */
import { expect, test } from '@playwright/test';
import { type Bitrix24Lead, startBitrix24Fake } from '../src/destinations/fakes/bitrix24.ts';
import { type CapillaryLead, startCapillaryFake } from '../src/destinations/fakes/capillary.ts';
import { type CloseLead, startCloseFake } from '../src/destinations/fakes/close.ts';
import { type LeadSquaredLead, startLeadSquaredFake } from '../src/destinations/fakes/leadsquared.ts';
import { type PipedriveLead, startPipedriveFake } from '../src/destinations/fakes/pipedrive.ts';
import type { FakeVendor } from '../src/destinations/fakes/server.ts';
import { type ReceivedWebhook, startWebhookFake } from '../src/destinations/fakes/webhook.ts';
import { startOwnRelay } from './own-relay.ts';

const CAMPAIGN = { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring-launch' };

interface Visitor {
  name: string;
  email: string;
  company: string;
  message: string;
}

interface Case<Fake extends FakeVendor = FakeVendor, Stored = unknown> {
  type: string;
  start: () => Promise<Fake>;
  mapping?: Record<string, string>;
  options?: Record<string, unknown>;
  /** Reads the vendor's record of this visitor and asserts where each value landed. */
  expectArrived: (stored: Stored, visitor: Visitor, fake: Fake) => void;
}

/** Each case knows its vendor's record type; the loop below sees them all alike. */
const defineCase = <Fake extends FakeVendor, Stored>(subject: Case<Fake, Stored>) => subject as unknown as Case;

const cases: Case[] = [
  defineCase({
    type: 'pipedrive',
    start: () => startPipedriveFake(),
    mapping: { 'attribution.utm_campaign': '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c' },
    expectArrived(stored: PipedriveLead, visitor, fake: Awaited<ReturnType<typeof startPipedriveFake>>) {
      expect(stored).toMatchObject({ source_name: 'API', '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c': CAMPAIGN.utm_campaign });
      expect(fake.people.find((person) => person.id === stored.person_id)).toMatchObject({ name: visitor.name, emails: [{ value: visitor.email }] });
      expect(fake.organizations.map((org) => org.name)).toContain(visitor.company);
      const note = fake.notes.find((item) => item.lead_id === stored.id)!.content;
      expect(note).toContain(visitor.message);
      expect(note).toContain(`utm_source=${CAMPAIGN.utm_source}, utm_medium=${CAMPAIGN.utm_medium}, utm_campaign=${CAMPAIGN.utm_campaign}`);
    },
  }),
  defineCase({
    type: 'bitrix24',
    start: startBitrix24Fake,
    expectArrived(stored: Bitrix24Lead, visitor) {
      expect(stored).toMatchObject({
        NAME: visitor.name.split(' ')[0],
        LAST_NAME: visitor.name.split(' ').slice(1).join(' '),
        COMPANY_TITLE: visitor.company,
        UTM_SOURCE: CAMPAIGN.utm_source,
        UTM_MEDIUM: CAMPAIGN.utm_medium,
        UTM_CAMPAIGN: CAMPAIGN.utm_campaign,
        ORIGINATOR_ID: 'leadform',
      });
      expect(stored.COMMENTS).toContain(visitor.message);
    },
  }),
  defineCase({
    type: 'close',
    start: startCloseFake,
    mapping: { 'attribution.utm_source': 'cf_UtmSource1234' },
    expectArrived(stored: CloseLead, visitor) {
      expect(stored).toMatchObject({
        name: visitor.company,
        contacts: [{ name: visitor.name, emails: [{ email: visitor.email }] }],
        'custom.cf_UtmSource1234': CAMPAIGN.utm_source,
      });
      expect(stored.description).toContain(visitor.message);
    },
  }),
  defineCase({
    type: 'leadsquared',
    start: startLeadSquaredFake,
    expectArrived(stored: LeadSquaredLead, visitor) {
      expect(stored).toMatchObject({
        FirstName: visitor.name.split(' ')[0],
        EmailAddress: visitor.email,
        Company: visitor.company,
        Source: CAMPAIGN.utm_source,
        SourceMedium: CAMPAIGN.utm_medium,
        SourceCampaign: CAMPAIGN.utm_campaign,
      });
      expect(stored.Notes).toContain(visitor.message);
    },
  }),
  defineCase({
    type: 'capillary',
    start: startCapillaryFake,
    mapping: { 'attribution.utm_source': 'utm_source', 'attribution.utm_campaign': 'utm_campaign' },
    expectArrived(stored: CapillaryLead, visitor) {
      expect(stored).toMatchObject({
        leadFor: 'Website enquiry',
        idType: 'EMAIL',
        identifier: visitor.email,
        extendedFields: { utm_source: CAMPAIGN.utm_source, utm_campaign: CAMPAIGN.utm_campaign },
      });
      expect(stored.followUpDetails[0]!.notes).toContain(visitor.message);
    },
  }),
  defineCase({
    type: 'webhook',
    start: startWebhookFake,
    expectArrived(stored: ReceivedWebhook, visitor) {
      expect(stored.payload.data.fields).toMatchObject({ name: visitor.name, email: visitor.email, company: visitor.company, message: visitor.message });
      expect(JSON.stringify(stored.payload.data.attribution)).toContain(CAMPAIGN.utm_campaign);
    },
  }),
];

for (const subject of cases) {
  test(`a lead submitted in the browser arrives at ${subject.type} with its fields and attribution`, async ({ page }) => {
    test.setTimeout(60_000);
    const fake = await subject.start();
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
            ...(subject.mapping ? { mapping: subject.mapping } : {}),
          },
        },
        destinations: { crm: { type: subject.type, ...fake.options, ...subject.options } },
      },
      { env: fake.env, pollMs: 200 },
    );
    const url = relay.url;
    try {
      const visitor: Visitor = {
        name: 'Grace Brewster Hopper',
        email: `grace.${subject.type}.${Date.now()}@example.com`,
        company: `Hopper Compilers ${subject.type}`,
        message: `Ünïcödé welcome — call me 📞 (${subject.type})`,
      };
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
        subject.expectArrived(stored[0], visitor, fake);
      }).toPass({ timeout: 20_000 });
    } finally {
      await relay.close();
      await fake.close();
    }
  });
}
