/**
 * Abuse of the rate limits through the whole relay, with its default limits (10 per address,
 * 600 per form, a minute each) and the addresses the runtime reports: a few addresses must not
 * lock real visitors out, and invalid requests are not free.
 */
import { describe, expect, it } from 'vitest';
import { createRelay } from '../app.ts';
import { parseConfig } from '../config.ts';
import { MemoryOutbox } from '../memory-outbox.ts';
import { memoryRateLimiter } from '../rate-limit.ts';
import { takeFormLimit } from './rate.ts';

const config = (() => {
  const parsed = parseConfig({
    forms: {
      contact: {
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'email', type: 'email', required: true },
        ],
        destination: 'inbox',
        minFillMs: 1000,
      },
    },
    destinations: { inbox: { type: 'sandbox' } },
    limits: { maxBodyBytes: 1024 },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
})();

const valid = { fields: { name: 'Ada', email: 'ada@example.com' }, meta: { fillMs: 5000 } };

/** The relay on a frozen clock, taking the visitor's address from a test header. */
function relay() {
  let time = 1_700_000_000_000;
  const app = createRelay({
    config,
    outbox: new MemoryOutbox(),
    now: () => time,
    rateLimiter: memoryRateLimiter({ now: () => time }),
    clientIp: (request) => request.headers.get('X-Test-Ip'),
  });
  const post = (ip: string, body: unknown, contentType = 'application/json') =>
    app.request('http://relay.test/v1/forms/contact/submissions', {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'X-Test-Ip': ip },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { post, pass: (ms: number) => void (time += ms) };
}

/** One of each invalid request the accept path refuses or drops: 415, 413, 400, 422, the honeypot and a too-fast fill. */
const INVALID: [body: unknown, contentType?: string][] = [
  ['name=x', 'text/plain'],
  [{ ...valid, fields: { ...valid.fields, name: 'x'.repeat(2000) } }],
  ['{"fields": {'],
  [{ fields: { name: '' }, meta: { fillMs: 5000 } }],
  [{ ...valid, meta: { fillMs: 5000, hp: 'https://spam.example' } }],
  [{ ...valid, meta: { fillMs: 10 } }],
];

describe('rate limits under abuse', () => {
  it('lets a new visitor in after 65 addresses sent 10 valid requests each', async () => {
    const { post } = relay();
    const statuses = new Map<number, number>();
    for (let round = 0; round < 10; round++) {
      for (let host = 1; host <= 65; host++) {
        const { status } = await post(`198.51.100.${host}`, valid);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }
    // Their first submissions are all taken; their later ones only while the form has more than its reserve.
    expect(statuses.get(202)).toBeGreaterThanOrEqual(65);
    const visitor = await post('203.0.113.200', valid);
    expect(visitor.status).toBe(202);
  });

  it('lets a new visitor in after 65 addresses sent 10 requests each, valid and invalid mixed', async () => {
    const { post } = relay();
    for (let round = 0; round < 10; round++) {
      for (let host = 1; host <= 65; host++) {
        const [body, contentType] = round % 2 ? [valid] : INVALID[(round + host) % INVALID.length]!;
        await post(`198.51.100.${host}`, body, contentType);
      }
    }
    expect((await post('203.0.113.200', valid)).status).toBe(202);
  });

  it('still refuses a flood from as many addresses as the form has room for, as "this form"', async () => {
    const { post } = relay();
    let refused: Response | undefined;
    for (let host = 0; host < 700 && !refused; host++) {
      const response = await post(`10.0.${host >> 8}.${host & 255}`, valid);
      if (response.status === 429) refused = response;
    }
    expect(refused).toBeDefined();
    expect(refused!.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(((await refused!.json()) as { error: string; message: string }).message).toContain('this form');
  });

  it('counts invalid requests against the address: the one after its budget gets 429 with Retry-After', async () => {
    const { post, pass } = relay();
    for (let i = 0; i < 10; i++) {
      const [body, contentType] = INVALID[i % INVALID.length]!;
      expect((await post('192.0.2.9', body, contentType)).status).not.toBe(429);
    }
    const limited = await post('192.0.2.9', '{"fields": {');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({ error: 'rate_limited', message: expect.stringContaining('this address') });
    // A valid submission from it waits too, and another address is not touched.
    expect((await post('192.0.2.9', valid)).status).toBe(429);
    expect((await post('192.0.2.10', valid)).status).toBe(202);
    pass(6_000);
    expect((await post('192.0.2.9', valid)).status).toBe(202);
  });

  it('buckets IPv6 addresses by their /64: two in one /64 share a budget, two /64s do not', async () => {
    const { post } = relay();
    for (let i = 0; i < 5; i++) expect((await post(`2001:db8:1:2::${i + 1}`, valid)).status).toBe(202);
    for (let i = 0; i < 5; i++) expect((await post(`2001:0db8:0001:0002:ffff:${i}:0:1`, valid)).status).toBe(202);
    expect((await post('2001:db8:1:2:abcd::9', valid)).status).toBe(429);
    expect((await post('2001:db8:1:3::1', valid)).status).toBe(202);
  });
});

it('keeps a refused first submission a first one, so its retry at the time the 429 names gets in', async () => {
  let time = 0;
  const rateLimiter = memoryRateLimiter({ now: () => time });
  const form = { ...config.forms.contact!, rateLimit: { requests: 4, perSeconds: 60 } };
  const submit = (clientIp: string) => takeFormLimit({ formId: 'contact', form, clientIp }, config.limits, rateLimiter);
  for (const host of [1, 2, 3, 4]) expect((await submit(`198.51.100.${host}`)).ok).toBe(true);
  const refused = await submit('203.0.113.7');
  expect(refused.ok).toBe(false);
  const wait = refused.ok ? 0 : refused.error.extra.retryAfterSeconds!;
  expect(wait).toBe(15);
  time += wait * 1000;
  expect((await submit('203.0.113.7')).ok).toBe(true);
});
