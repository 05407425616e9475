/**
 * Partials through the relay core (`app.request`, no server): every answer of the route, the
 * final submission superseding its partial, promotion on a driven clock (exactly once, even when
 * a pass died between the outbox and the partial's mark), retention, and the admin list.
 * Real SQLite (better-sqlite3, in memory) under the partials; the outbox is the memory one.
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { betterSqliteDriver } from '../../runtime/node/sqlite-store.ts';
import { createRelay } from '../app.ts';
import { parseConfig, type RelayConfig } from '../config.ts';
import { deliverDue } from '../delivery.ts';
import { fileFormLookup } from '../forms/catalog.ts';
import { MemoryOutbox } from '../memory-outbox.ts';
import { promoteDuePartials, promotedKey } from './promote.ts';
import { SqlPartials } from './store.ts';

const TOKEN = 'partials-admin-token-not-a-secret-0123456789';

function configOf(deliverPartials: boolean): RelayConfig {
  const parsed = parseConfig({
    forms: {
      contact: {
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'email', type: 'email' },
          { name: 'phone', type: 'tel', phone: { defaultCountry: 'DE' } },
          { name: 'ok', type: 'consent', required: true },
        ],
        allowedOrigins: ['self', 'https://shop.example'],
        destinations: ['hook', 'crm'],
        partials: true,
        partialAfterMinutes: 10,
        minFillMs: 0,
      },
      plain: { fields: [{ name: 'email', type: 'email' }], destination: 'hook' },
    },
    destinations: { hook: { type: 'sandbox', deliverPartials }, crm: { type: 'sandbox' } },
    limits: { perIp: { requests: 3, perSeconds: 60 }, maxBodyBytes: 1024 },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
}

let clock: number;
let outbox: MemoryOutbox;
let partials: SqlPartials;
let config: RelayConfig;
let app: ReturnType<typeof createRelay>;
let ids: number;

function build(deliverPartials = true) {
  config = configOf(deliverPartials);
  app = createRelay({
    config,
    outbox,
    partials,
    now: () => clock,
    newId: () => `lead-${++ids}`,
    adminToken: TOKEN,
    clientIp: (request) => request.headers.get('X-Test-Ip'),
  });
}

beforeEach(() => {
  clock = Date.UTC(2026, 11, 1, 12);
  ids = 0;
  outbox = new MemoryOutbox();
  partials = new SqlPartials(betterSqliteDriver(new Database(':memory:')));
  build();
});

const started = { fields: { email: 'ada@example.com', ok: true }, meta: { page: 'https://shop.example/p' } };
const partial = (body: unknown, headers: Record<string, string> = {}, form = 'contact') =>
  app.request(`http://relay.test/v1/forms/${form}/partials`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'visit-1', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const submit = (fields: Record<string, unknown>, key = 'visit-1') =>
  app.request('http://relay.test/v1/forms/contact/submissions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ fields }),
  });
const promote = () => promoteDuePartials({ config, forms: fileFormLookup(config.forms), partials, outbox, now: () => clock, log: () => {} });
const minutes = (n: number) => n * 60_000;

it('a configuration with partials on a form that has no email or tel field stops start-up, naming the key and the fix', () => {
  const parsed = parseConfig({
    forms: { f: { fields: [{ name: 'name', type: 'text' }], destination: 'd', partials: true } },
    destinations: { d: { type: 'sandbox', deliverPartials: 'yes' } },
  });
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.problems).toEqual([expect.stringMatching(/^destinations\.d\.deliverPartials: /)]);
  const noContact = parseConfig({
    forms: { f: { fields: [{ name: 'name', type: 'text' }], destination: 'd', partials: true } },
    destinations: { d: { type: 'sandbox' } },
  });
  expect(!noContact.ok && noContact.problems).toEqual([
    'forms.f.partials: the form has no email or tel field, and a partial is kept only with one; add one, or remove "partials"',
  ]);
});

describe('POST /v1/forms/{id}/partials answers', () => {
  it('202 for a started form with a valid email and the consent, with the required name still missing', async () => {
    const response = await partial(started, { Origin: 'https://shop.example' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ kept: true });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    const [kept] = (await partials.list('contact', 10)).partials;
    expect(kept).toMatchObject({ key: 'visit-1', state: 'pending', lead: { fields: { email: 'ada@example.com', ok: true }, partial: true } });
    expect(kept!.dueAt).toBe(clock + minutes(10));
  });

  it('202 with a valid phone alone, kept in E.164', async () => {
    expect((await partial({ fields: { phone: '030 1234567', ok: true } })).status).toBe(202);
    expect((await partials.list('contact', 10)).partials[0]!.lead.fields.phone).toBe('+49301234567');
  });

  it('a later partial replaces the earlier one, keeping its lead id and pushing its due time', async () => {
    await partial(started);
    const first = (await partials.list('contact', 10)).partials[0]!;
    clock += minutes(5);
    await partial({ fields: { ...started.fields, name: 'Ada' } });
    const { partials: kept } = await partials.list('contact', 10);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ leadId: first.leadId, lead: { fields: { name: 'Ada' } }, dueAt: clock + minutes(10) });
  });

  it('400 for bad JSON and for a missing Idempotency-Key', async () => {
    expect(await (await partial('{"fields":')).json()).toMatchObject({ error: 'bad_json' });
    const response = await app.request('http://relay.test/v1/forms/contact/partials', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(started),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('Idempotency-Key') });
  });

  it('403 for a foreign origin, naming the key to add', async () => {
    const response = await partial(started, { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'origin_not_allowed', message: expect.stringContaining('forms.contact.allowedOrigins') });
  });

  it('404 for an unknown form, and for a form that keeps no partials', async () => {
    expect(await (await partial(started, {}, 'nope')).json()).toMatchObject({ error: 'unknown_form' });
    const response = await partial(started, {}, 'plain');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: expect.stringContaining('"partials": true') });
  });

  it('413 for a body over the limit, 415 for another content type', async () => {
    expect((await partial({ fields: { ...started.fields, name: 'x'.repeat(2000) } })).status).toBe(413);
    const response = await partial(started, { 'Content-Type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('422 without a valid email or phone, with an invalid one, and without the required consent', async () => {
    const none = await partial({ fields: { name: 'Ada', ok: true } }, { Origin: 'https://shop.example' });
    expect(none.status).toBe(422);
    expect(await none.json()).toMatchObject({ error: 'validation_failed', issues: [{ code: 'contact_required' }] });
    // A refusal carries the CORS answer too, so the widget on that site can read why.
    expect(none.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    const bad = await partial({ fields: { email: 'ada@', ok: true } });
    expect(await bad.json()).toMatchObject({ issues: [{ path: ['fields', 'email'], code: 'invalid_email' }] });
    expect((await partial({ fields: { phone: '12', ok: true } })).status).toBe(422);
    const noConsent = await partial({ fields: { email: 'ada@example.com' } });
    expect(noConsent.status).toBe(422);
    expect(await noConsent.json()).toMatchObject({ issues: [{ path: ['fields', 'ok'], code: 'required' }] });
    expect((await partials.list(null, 10)).partials).toEqual([]);
  });

  it('429 with Retry-After past the address limit (three times its submissions), which the final submission does not share', async () => {
    const ip = { 'X-Test-Ip': '203.0.113.7' };
    for (let i = 0; i < 9; i++) expect((await partial(started, ip)).status).toBe(202);
    const limited = await partial(started, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { message: string }).message).toMatch(/^Too many partial leads from this address \(at most 9 per /);
    const final = await app.request('http://relay.test/v1/forms/contact/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'visit-1', ...ip },
      body: JSON.stringify({ fields: { name: 'Ada', email: 'ada@example.com', ok: true } }),
    });
    expect(final.status).toBe(202);
  });

  it('answers the preflight of an allowed origin', async () => {
    const response = await app.request('http://relay.test/v1/forms/contact/partials', { method: 'OPTIONS', headers: { Origin: 'https://shop.example' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Headers')).toContain('Idempotency-Key');
  });
});

describe('the final submission and promotion', () => {
  const final = { name: 'Ada', email: 'ada@example.com', ok: true };

  it('a completed partial yields one lead and no partial lead', async () => {
    await partial(started);
    expect((await submit(final)).status).toBe(202);
    expect((await partials.list('contact', 10)).partials).toEqual([]);
    clock += minutes(60);
    expect(await promote()).toBe(0);
    const pending = (await outbox.list('pending', 10)).entries;
    expect(pending.map((entry) => [entry.destination, entry.lead?.partial]).sort()).toEqual([
      ['crm', undefined],
      ['hook', undefined],
    ]);
  });

  it('a partial arriving after its final submission is not kept', async () => {
    await submit(final);
    expect(await (await partial(started)).json()).toEqual({ kept: false });
    clock += minutes(60);
    await promote();
    expect((await outbox.list('pending', 10)).entries).toHaveLength(2);
  });

  it('an abandoned partial yields exactly one partial lead, to the destinations with deliverPartials only, once its time is up', async () => {
    await partial(started);
    clock += minutes(10) - 1;
    expect(await promote()).toBe(0);
    clock += 1;
    expect(await promote()).toBe(1);
    expect(await promote()).toBe(0);
    const entries = (await outbox.list('pending', 10)).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ destination: 'hook', lead: { partial: true, fields: { email: 'ada@example.com' } } });
    const [listed] = (await partials.list('contact', 10)).partials;
    expect(listed).toMatchObject({ state: 'promoted', promotedAt: clock, leadId: entries[0]!.leadId });
    // The visitor comes back and completes: a normal lead, beside the partial one.
    expect((await submit(final)).status).toBe(202);
    expect((await outbox.list('pending', 10)).entries.filter((entry) => !entry.lead?.partial)).toHaveLength(2);
  });

  it('a pass that died after storing the lead and before marking the partial stores nothing twice', async () => {
    await partial(started);
    clock += minutes(10);
    const [due] = await partials.due(clock, 10);
    await outbox.accept({ lead: { ...due!.lead, id: due!.leadId }, idempotencyKey: promotedKey('visit-1'), bodyHash: 'partial', destination: 'hook' });
    expect(await promote()).toBe(1);
    expect((await outbox.list('pending', 10)).entries).toHaveLength(1);
    expect((await partials.list('contact', 10)).partials[0]!.state).toBe('promoted');
  });

  it('a partial whose final submission was stored without completing it is completed, not promoted', async () => {
    await partial(started);
    // The outbox has the final lead but the partial never heard of it (a completion that failed).
    await outbox.accept({
      lead: { id: 'final', formId: 'contact', receivedAt: new Date(clock).toISOString(), fields: final },
      idempotencyKey: 'visit-1',
      bodyHash: 'x',
      destinations: ['hook', 'crm'],
    });
    clock += minutes(10);
    expect(await promote()).toBe(1);
    expect((await outbox.list('pending', 10)).entries.every((entry) => !entry.lead?.partial)).toBe(true);
    expect((await partials.list('contact', 10)).partials).toEqual([]);
  });

  it('a form none of whose destinations takes partials keeps it as a promoted partial, delivered nowhere', async () => {
    build(false);
    await partial(started);
    clock += minutes(10);
    expect(await promote()).toBe(1);
    expect((await outbox.stats()).pending).toBe(0);
    expect((await partials.list('contact', 10)).partials[0]!.state).toBe('promoted');
  });

  it('a destination whose deliverPartials was turned off after promotion dead-letters the partial lead, saying why, and never calls the vendor', async () => {
    await partial(started);
    clock += minutes(10);
    await promote();
    const calls: string[] = [];
    const vendor = {
      type: 'sandbox',
      deliver: async (lead: { id: string }) => {
        calls.push(lead.id);
        return { kind: 'delivered' as const };
      },
    };
    const turnedOff = configOf(false);
    await deliverDue({ config: turnedOff, outbox, destinations: new Map([['hook', vendor]]), now: () => clock });
    expect(calls).toEqual([]);
    const [dead] = (await outbox.list('dead', 10)).entries;
    expect(dead).toMatchObject({ destination: 'hook', lastError: expect.stringContaining('deliverPartials') });
    // With it on, the next partial lead is delivered.
    await partial(started, { 'Idempotency-Key': 'visit-2' });
    clock += minutes(10);
    await promote();
    await deliverDue({ config, outbox, destinations: new Map([['hook', vendor]]), now: () => clock });
    expect(calls).toHaveLength(1);
  });

  it('retention erases settled partials past deliveredPayloadDays, never a pending one', async () => {
    await partial(started);
    await partial(started, { 'Idempotency-Key': 'visit-2' });
    clock += minutes(10);
    await partial(started, { 'Idempotency-Key': 'visit-3' });
    await promote();
    expect(await partials.erase(clock + 1)).toBe(2);
    expect((await partials.list(null, 10)).partials.map((p) => [p.key, p.state])).toEqual([['visit-3', 'pending']]);
  });
});

describe('GET /v1/admin/partials', () => {
  const admin = (query: string, token = TOKEN) => app.request(`http://relay.test/v1/admin/partials${query}`, { headers: { Authorization: `Bearer ${token}` } });

  it('lists pending and promoted partials newest first, paged with a Link cursor', async () => {
    for (const key of ['a', 'b', 'c']) {
      await partial(started, { 'Idempotency-Key': key });
      clock += 1000;
    }
    clock += minutes(10);
    await partial(started, { 'Idempotency-Key': 'd' });
    await promote();
    const first = await admin('?form=contact&limit=2');
    expect(first.status).toBe(200);
    const page = (await first.json()) as { key: string; state: string; fields: unknown; createdAt: string }[];
    expect(page.map((p) => [p.key, p.state])).toEqual([
      ['d', 'pending'],
      ['c', 'promoted'],
    ]);
    expect(page[0]).toMatchObject({ form: 'contact', fields: { email: 'ada@example.com' }, page: 'https://shop.example/p' });
    const link = first.headers.get('Link')!;
    expect(link).toMatch(/^<\/v1\/admin\/partials\?form=contact&limit=2&cursor=[\w-]+>; rel="next"$/);
    const second = await admin(link.slice(link.indexOf('?'), link.indexOf('>')));
    expect(((await second.json()) as { key: string }[]).map((p) => p.key)).toEqual(['b', 'a']);
    expect(second.headers.get('Link')).toBeNull();
  });

  it('401 without the token, 404 for an unknown form, 400 for a bad cursor', async () => {
    expect((await admin('?form=contact', 'wrong-token')).status).toBe(401);
    expect((await admin('?form=nope')).status).toBe(404);
    expect((await admin('?cursor=%25%25')).status).toBe(400);
  });
});
