import { describe, expect, it } from 'vitest';
import type { Lead } from '../../schema/lead.ts';
import { createRelay } from '../app.ts';
import { parseConfig } from '../config.ts';
import { MemoryOutbox } from '../memory-outbox.ts';
import { memoryRateLimiter } from '../rate-limit.ts';
import { counterBatcher, memoryCountersStore } from './counters.ts';
import { listedLeadTally } from './lead-tally.ts';
import { batchedCounts, EVENTS_MAX_BODY_BYTES, EVENTS_RATE } from './routes.ts';

const config = (() => {
  const result = parseConfig({
    forms: {
      quote: {
        fields: [
          { name: 'email', type: 'email', required: true },
          { name: 'company', type: 'text' },
          { name: 'size', type: 'text' },
        ],
        steps: [
          { id: 'you', fields: ['email'] },
          { id: 'firm', fields: ['company', 'size'] },
        ],
        allowedOrigins: ['https://shop.example'],
        destination: 'crm',
      },
    },
    destinations: { crm: { type: 'test' } },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
})();
const TOKEN = 'an-admin-token-of-thirty-two-characters';
const ORIGIN = 'https://shop.example';
const NOW = Date.parse('2026-12-01T12:00:00Z');

function relay() {
  const outbox = new MemoryOutbox();
  const store = memoryCountersStore();
  const batcher = counterBatcher({ store, now: () => NOW });
  const app = createRelay({
    config,
    outbox,
    now: () => NOW,
    adminToken: TOKEN,
    rateLimiter: memoryRateLimiter({ now: () => NOW }),
    clientIp: (request) => request.headers.get('X-Test-Ip'),
    insight: { counts: batchedCounts(batcher, store), leads: listedLeadTally(outbox) },
  });
  const send = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('http://relay.test/v1/forms/quote/events', {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'text/plain;charset=UTF-8', 'X-Test-Ip': '203.0.113.9', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const stats = (query = 'from=2026-12-01&to=2026-12-01') =>
    app.request(`http://relay.test/v1/admin/forms/quote/stats?${query}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return { app, outbox, store, batcher, send, stats };
}

const lead = (id: string, source?: string): Lead => ({
  id,
  formId: 'quote',
  receivedAt: new Date(NOW).toISOString(),
  fields: { email: 'a@b.co' },
  ...(source ? { attribution: { last: { utm_source: source, utm_medium: 'cpc', utm_campaign: 'winter' } } } : {}),
});

describe('POST /v1/forms/{id}/events', () => {
  it('answers 204 to a batch as sendBeacon sends it (text/plain), with CORS, no cookie, and nothing in the outbox', async () => {
    const { send, outbox, store, batcher } = relay();
    const response = await send({ events: [{ type: 'view', device: 'mobile', source: 'google' }, { type: 'start' }] }, { Cookie: 'session=abc' });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(response.headers.get('Set-Cookie')).toBeNull();
    expect((await outbox.stats()).pending).toBe(0);
    // Counted in memory only, until the batch is written.
    expect(batcher.pending()).toBe(2);
    expect(store.rows.size).toBe(0);
    await batcher.flush();
    expect([...store.rows.values()].map((row) => [row.type, row.device, row.source, row.n])).toEqual([
      ['view', 'mobile', 'google', 1],
      ['start', '', '', 1],
    ]);
  });

  it('takes one event, an array, or {events} as JSON too', async () => {
    const { send } = relay();
    for (const body of [{ type: 'view' }, [{ type: 'view' }], { events: [{ type: 'start' }] }]) {
      expect((await send(body, { 'Content-Type': 'application/json' })).status).toBe(204);
    }
  });

  it('refuses what is not an event of this form with 400 naming it', async () => {
    const { send } = relay();
    const cases: [unknown, RegExp][] = [
      ['{not json', /not JSON/],
      [{ events: [] }, /no event/],
      [{ events: [{ type: 'click' }] }, /events\[0\]\.type must be one of view, start/],
      [{ type: 'start', value: 'a@b.co' }, /the key "value".*never a field's value/],
      [{ type: 'field_error', field: 'phone' }, /field "phone" is not a field of form quote/],
      [{ type: 'step', step: 'pay' }, /step "pay" is not a step of form quote; it must be one of you, firm/],
      [{ type: 'view', device: 'tv' }, /device must be one of mobile, tablet, desktop/],
      [{ type: 'view', source: 7 }, /source must be a string/],
      [{ type: 'view', version: -1 }, /version must be a whole number/],
      [{ events: Array.from({ length: 51 }, () => ({ type: 'view' })) }, /at most 50 events; got 51/],
    ];
    for (const [body, message] of cases) {
      const response = await send(body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    }
  });

  it('answers 404 for an unknown form, 403 for a foreign origin, 415 for another type, 413 past the size limit', async () => {
    const { app, send } = relay();
    const unknown = await app.request('http://relay.test/v1/forms/nope/events', {
      method: 'POST',
      body: '{"type":"view"}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(unknown.status).toBe(404);
    const foreign = await send({ type: 'view' }, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { message: string }).message).toMatch(/forms\.quote\.allowedOrigins/);
    const form = await send('type=view', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const large = await send(JSON.stringify({ events: [{ type: 'view', campaign: 'x'.repeat(EVENTS_MAX_BODY_BYTES) }] }));
    expect(large.status).toBe(413);
  });

  it('answers 429 with Retry-After past its own rule, per address and form, and leaves submissions their own budget', async () => {
    const { app, send } = relay();
    for (let i = 0; i < EVENTS_RATE.requests; i++) expect((await send({ type: 'view' })).status).toBe(204);
    const limited = await send({ type: 'view' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await send({ type: 'view' }, { 'X-Test-Ip': '198.51.100.1' })).status).toBe(204);
    const submission = await app.request('http://relay.test/v1/forms/quote/submissions', {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'application/json', 'X-Test-Ip': '203.0.113.9' },
      body: JSON.stringify({ fields: { email: 'a@b.co' } }),
    });
    expect(submission.status).toBe(202);
  });

  it('answers a preflight for a JSON beacon from an allowed origin', async () => {
    const { app } = relay();
    const response = await app.request('http://relay.test/v1/forms/quote/events', { method: 'OPTIONS', headers: { Origin: ORIGIN } });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('Content-Type');
  });
});

describe('GET /v1/admin/forms/{id}/stats', () => {
  it('needs the admin token', async () => {
    const { app } = relay();
    expect((await app.request('http://relay.test/v1/admin/forms/quote/stats')).status).toBe(401);
  });

  it('answers the funnel: counters from the beacons (waiting ones included), submissions and deliveries from the outbox', async () => {
    const { send, stats, outbox } = relay();
    await send({
      events: [
        { type: 'view', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
        { type: 'view', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
        { type: 'view', device: 'desktop' },
        { type: 'view', device: 'desktop' },
        { type: 'start', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
        { type: 'start', device: 'desktop' },
        { type: 'step', step: 'firm' },
        { type: 'field_error', step: 'you', field: 'email' },
        { type: 'abandon', step: 'firm', field: 'size' },
      ],
    });
    await outbox.accept({ lead: lead('l1', 'google'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const response = await stats();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      form: 'quote',
      from: '2026-12-01',
      to: '2026-12-01',
      views: 4,
      starts: 2,
      submissions: 1,
      delivered: 0,
      dead: 0,
      conversion: 0.25,
      steps: [
        { id: 'you', reached: 2, abandoned: 0, errored: 1 },
        { id: 'firm', reached: 1, abandoned: 1, errored: 0 },
      ],
      fields: [
        { name: 'email', step: 'you', reached: 2, errored: 1, abandoned: 0 },
        { name: 'company', step: 'firm', reached: 1, errored: 0, abandoned: 0 },
        { name: 'size', step: 'firm', reached: 1, errored: 0, abandoned: 1 },
      ],
      bySource: [
        { source: 'google', medium: 'cpc', campaign: 'winter', views: 2, starts: 1, submissions: 1 },
        { source: '', medium: '', campaign: '', views: 2, starts: 1, submissions: 0 },
      ],
      byDay: [{ day: '2026-12-01', views: 4, starts: 2, submissions: 1, delivered: 0 }],
      byDestination: [{ destination: 'crm', submissions: 1, delivered: 0, dead: 0 }],
    });
    // Another day's range holds none of it.
    expect(await (await stats('from=2026-11-01&to=2026-11-30')).json()).toMatchObject({ views: 0, submissions: 0, byDay: expect.arrayContaining([]) });
  });

  it('answers 400 naming what is wrong with the range, and 404 for an unknown form', async () => {
    const { app, stats } = relay();
    const cases: [string, RegExp][] = [
      ['from=2026-12-01&to=2026-13-01', /to must be a date as YYYY-MM-DD/],
      ['from=yesterday', /from must be a date/],
      ['from=2026-12-02&to=2026-12-01', /from \(2026-12-02\) is after to \(2026-12-01\)/],
      ['from=2024-01-01&to=2026-12-01', /ask for at most 366/],
      ['version=x', /version must be a whole number/],
    ];
    for (const [query, message] of cases) {
      const response = await stats(query);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    }
    const unknown = await app.request('http://relay.test/v1/admin/forms/nope/stats', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(unknown.status).toBe(404);
  });

  it('defaults to the last 30 days up to today', async () => {
    const { stats } = relay();
    const body = (await (await stats('')).json()) as { from: string; to: string; byDay: unknown[] };
    expect([body.from, body.to, body.byDay.length]).toEqual(['2026-11-02', '2026-12-01', 30]);
  });
});
