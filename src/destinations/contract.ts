/**
 * The one contract every destination keeps, run against the adapter and a fake of its vendor
 * (in the spirit of unstorage's `testDriver`): each adapter's test file is a call to
 * `testDestination` with its adapter (made by `defineDestination`), its fake, and how its vendor
 * stores a lead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PARAM_LENGTH } from '../schema/attribution-keys.ts';
import type { DestinationAdapter } from './define.ts';
import { FORM_ENGINE_TYPED_PHONE, FORM_ENGINE_VALUES, type FormEngineProfile } from './fakes/profile.ts';
import type { FakeVendor } from './fakes/server.ts';
import type { DestinationDeps } from './index.ts';
import type { DeliveryContext, DeliveryOutcome, Destination } from './types.ts';
import type { Lead } from '../schema/lead.ts';
import { namedSecrets } from '../schema/problems.ts';

export interface DestinationSubject<Fake extends FakeVendor = FakeVendor> {
  type: string;
  adapter: DestinationAdapter<DestinationDeps>;
  startFake: () => Promise<Fake>;
  /** The form's mapping the contract delivers with (custom fields, overrides). */
  mapping?: Record<string, string>;
  /** Asserts that the vendor's record holds this lead's fields and attribution where they belong. */
  expectStored: (stored: unknown, lead: Lead, fake: Fake) => void;
  /** The fake's typed fields and the check that the form engine's values arrive in their shapes (the fake's profile). */
  formEngine: FormEngineProfile<Fake>;
}

let sequence = 0;

/** A realistic lead with both touches; every call gets its own id and email. */
export function sampleLead(overrides: Partial<Lead> = {}): Lead {
  sequence += 1;
  const tag = `${Date.now().toString(36)}${sequence}`;
  return {
    id: `sub_${tag}`,
    formId: 'contact',
    receivedAt: new Date().toISOString(),
    fields: {
      name: 'Ada Lovelace',
      email: `ada.${tag}@example.com`,
      company: 'Analytical Engines Ltd',
      phone: `+44 20 7946 ${String(sequence % 10000).padStart(4, '0')}`,
      message: 'Please call me about the pilot.',
    },
    attribution: {
      first: {
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'spring-launch',
        landing_page: 'https://www.example.com/pricing',
        at: '2026-11-01T09:00:00.000Z',
      },
      last: {
        utm_source: 'google',
        utm_medium: 'cpc',
        utm_campaign: 'brand-search',
        utm_content: 'ad-variant-b',
        utm_term: 'lead form crm',
        gclid: 'Cj0KCQ-test',
        referrer: 'https://www.google.com/',
      },
      touches: 2,
    },
    page: 'https://www.example.com/contact',
    locale: 'en',
    ...overrides,
  };
}

/**
 * A lead of a form using the form engine's types: a checkbox list, a number, a date, a URL, a
 * country, and the phone as the relay stores it (E.164 in `fields`, the typed text in `phones`).
 */
export function formEngineLead(): Lead {
  const lead = sampleLead({ formId: 'qualify' });
  return {
    ...lead,
    fields: { ...lead.fields, ...FORM_ENGINE_VALUES, topics: [...FORM_ENGINE_VALUES.topics] },
    phones: { phone: { raw: FORM_ENGINE_TYPED_PHONE, e164: FORM_ENGINE_VALUES.phone, country: 'GB', valid: true } },
  };
}

/** Unicode in every script a CRM sees, and every value at the longest the relay accepts. */
export function extremeLead(): Lead {
  const lead = sampleLead();
  const longParam = `${'ž'.repeat(MAX_PARAM_LENGTH - 2)}😀`;
  return {
    ...lead,
    fields: {
      ...lead.fields,
      name: 'Zoë Ñúñez-Łukasiewicz 山田太郎 😀',
      company: 'Société Générale « Ünïcödé » 株式会社',
      message: `${`Привет! مرحبا 👋🏽 — ${'lorem ipsum dolor sit amet '.repeat(184)}`.slice(0, 4999)}✓`,
    },
    attribution: { ...lead.attribution, last: { ...lead.attribution!.last, utm_campaign: longParam, utm_term: 'café crème 🥐' } },
  };
}

/** Every string (and number, written out) anywhere in these records. */
function textsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(textsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(textsIn);
  return [];
}

/**
 * A delivery context for an adapter's own tests: secrets read from `env`, a first attempt that
 * need not look before it creates, no pacing, and a 5 s timeout; `overrides` win.
 */
export function testContext(env: Record<string, string>, overrides: Partial<DeliveryContext> & { timeoutMs?: number } = {}): DeliveryContext {
  const { timeoutMs = 5000, ...rest } = overrides;
  return { fetch, secret: (name) => env[name], attempt: 1, uncertain: false, signal: AbortSignal.timeout(timeoutMs), pace: async () => {}, ...rest };
}

export function testDestination<Fake extends FakeVendor>(subject: DestinationSubject<Fake>): void {
  describe(`${subject.type}: destination contract`, () => {
    let fake: Fake;
    let destination: Destination;
    let paced = 0;

    beforeAll(async () => {
      fake = await subject.startFake();
      destination = build(fake.env);
    });
    afterAll(() => fake.close());

    function build(env: Record<string, string>): Destination {
      const built = subject.adapter(fake.options, { secret: (name) => env[name] });
      if (!built.ok) throw new Error(built.problems.join('\n'));
      expect(built.value.type).toBe(subject.type);
      return built.value;
    }

    function context(overrides: Partial<DeliveryContext> & { timeoutMs?: number; env?: Record<string, string> } = {}): DeliveryContext {
      const { env = fake.env, ...rest } = overrides;
      return testContext(env, {
        pace: async () => {
          paced += 1;
        },
        mapping: subject.mapping,
        ...rest,
      });
    }

    async function deliver(lead: Lead, overrides?: Parameters<typeof context>[0], target = destination): Promise<DeliveryOutcome> {
      return target.deliver(lead, context(overrides));
    }

    it('delivers a lead with its fields and attribution in the vendor body, pacing every call', async () => {
      const lead = sampleLead();
      const before = fake.requests.length;
      paced = 0;
      const outcome = await deliver(lead);
      expect(outcome).toMatchObject({ kind: 'delivered' });
      const stored = fake.leadsWithEmail(String(lead.fields.email));
      expect(stored).toHaveLength(1);
      subject.expectStored(stored[0], lead, fake);
      expect(paced).toBe(fake.requests.length - before);
    });

    it('every field the form collected reaches the vendor, in a mapped field or the note', async () => {
      const lead = sampleLead();
      expect(await deliver(lead)).toMatchObject({ kind: 'delivered' });
      const [stored] = fake.leadsWithEmail(String(lead.fields.email));
      const kept = textsIn([stored, ...(fake.linkedTo?.(stored) ?? [])]);
      const holds = (value: string) => kept.some((text) => text.includes(value));
      for (const name of ['name', 'email', 'phone', 'company', 'message']) {
        const value = String(lead.fields[name]);
        // A name may be kept split into first and last name.
        const found = holds(value) || (name === 'name' && value.split(' ').every(holds));
        expect(found, `${subject.type} keeps no trace of the form's ${name} (${value})`).toBe(true);
      }
    });

    it('every field the form collected reaches the vendor with the new types and an E.164 phone, each in the shape its field takes', async () => {
      const lead = formEngineLead();
      const mapping = { ...subject.mapping, ...subject.formEngine.mapping };
      expect(await deliver(lead, { mapping })).toMatchObject({ kind: 'delivered' });
      const [stored] = fake.leadsWithEmail(String(lead.fields.email));
      expect(stored, `${subject.type} stored no lead`).toBeDefined();
      const kept = textsIn([stored, ...(fake.linkedTo?.(stored) ?? [])]);
      const expected = [
        ...FORM_ENGINE_VALUES.topics,
        String(FORM_ENGINE_VALUES.seats),
        FORM_ENGINE_VALUES.start,
        FORM_ENGINE_VALUES.website,
        FORM_ENGINE_VALUES.country,
        FORM_ENGINE_VALUES.phone,
      ];
      for (const value of expected)
        expect(
          kept.some((text) => text.includes(value)),
          `${subject.type} keeps no trace of ${value}`,
        ).toBe(true);
      subject.formEngine.expectArrived(expect, stored, lead, fake);
    });

    it('treats a body the vendor refuses (400-type) as a permanent failure', async () => {
      const lead = sampleLead();
      fake.inject({ kind: 'invalid' });
      const outcome = await deliver(lead);
      expect(outcome.kind).toBe('failed');
      expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(0);
    });

    it('treats wrong credentials (401) as a permanent failure and never echoes the secret', async () => {
      const lead = sampleLead();
      const outcome = await deliver(lead, { env: fake.badEnv }, build(fake.badEnv));
      expect(outcome.kind).toBe('failed');
      for (const secret of [...Object.values(fake.env), ...Object.values(fake.badEnv)]) {
        expect(JSON.stringify(outcome)).not.toContain(secret);
      }
      expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(0);
    });

    it('retries a rate limit after the time the vendor names', async () => {
      // A first delivery lets vendors that announce resets in successful answers (Bitrix24) speak.
      await deliver(sampleLead());
      const lead = sampleLead();
      const announced = fake.inject({ kind: 'rateLimited', withReset: true });
      const outcome = await deliver(lead);
      expect(outcome).toMatchObject({ kind: 'retry' });
      if (announced === undefined) expect((outcome as { afterMs?: number }).afterMs).toBeUndefined();
      else expect(Math.abs((outcome as { afterMs: number }).afterMs - announced)).toBeLessThan(1500);
      expect(await deliver(lead)).toMatchObject({ kind: 'delivered' });
      expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(1);
    });

    it('retries a rate limit with no reset header on its own backoff', async () => {
      const lead = sampleLead();
      fake.inject({ kind: 'rateLimited', withReset: false });
      const outcome = await deliver(lead);
      expect(outcome).toMatchObject({ kind: 'retry' });
      expect((outcome as { afterMs?: number }).afterMs).toBeUndefined();
    });

    it('retries a server error', async () => {
      const lead = sampleLead();
      fake.inject({ kind: 'serverError' });
      expect(await deliver(lead)).toMatchObject({ kind: 'retry' });
      expect(await deliver(lead, { attempt: 2, uncertain: true })).toMatchObject({ kind: expect.stringMatching(/^(delivered|exists)$/) });
      expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(1);
    });

    it('after a timeout once the vendor committed, the retry creates no duplicate', async () => {
      const lead = sampleLead();
      fake.inject({ kind: 'commitThenHang' });
      const first = await deliver(lead, { timeoutMs: 400 });
      expect(first).toMatchObject({ kind: 'retry', uncertain: true });
      expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(1);
      const second = await deliver(lead, { attempt: 2, uncertain: true });
      expect(second.kind).toMatch(/^(exists|delivered)$/);
      expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(1);
      subject.expectStored(fake.leadsWithEmail(String(lead.fields.email))[0], lead, fake);
    });

    it('carries unicode and maximum-length values intact', async () => {
      const lead = extremeLead();
      expect(await deliver(lead)).toMatchObject({ kind: 'delivered' });
      const stored = fake.leadsWithEmail(String(lead.fields.email));
      expect(stored).toHaveLength(1);
      subject.expectStored(stored[0], lead, fake);
    });

    it('reports a missing secret at start-up, naming the variable', () => {
      const built = subject.adapter(fake.options, { secret: () => undefined });
      expect(built.ok).toBe(false);
      const names = Object.keys(fake.env);
      expect((built as { problems: string[] }).problems.join('\n')).toContain(names[0]);
      const [key, name] = namedSecrets(fake.options, subject.adapter.secrets)[0]!;
      expect((built as { problems: string[] }).problems).toContain(
        `${key}: the environment variable ${name} is not set; set it to the secret before starting the relay`,
      );
    });

    it('declares as its secrets exactly the options that name the credentials', () => {
      expect(subject.adapter.type).toBe(subject.type);
      const named = namedSecrets(fake.options, subject.adapter.secrets).map(([, name]) => name);
      expect(named.sort()).toEqual(Object.keys(fake.env).sort());
    });

    it('fails an attempt whose secret is gone by delivery time, naming the variable, and calls nobody', async () => {
      const before = fake.requests.length;
      const outcome = await deliver(sampleLead(), { env: {} });
      const [, name] = namedSecrets(fake.options, subject.adapter.secrets)[0]!;
      expect(outcome).toEqual({ kind: 'failed', reason: `${subject.type}: the environment variable ${name} is not set` });
      expect(fake.requests.length).toBe(before);
    });

    it('names a misspelt option together with the option probably meant', () => {
      const [key] = namedSecrets(fake.options, subject.adapter.secrets)[0]!;
      const misspelt = key.replace(/Env$/, 'env');
      const { [key]: value, ...rest } = fake.options;
      const built = subject.adapter({ ...rest, [misspelt]: value }, {});
      expect(built.ok).toBe(false);
      expect((built as { problems: string[] }).problems).toContain(
        `(options): unknown key(s) "${misspelt}" (did you mean "${key}"?); remove them or check their spelling`,
      );
    });
  });
}
