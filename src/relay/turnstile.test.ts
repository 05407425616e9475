import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTurnstile, startFakeTurnstile } from './testing/fake-turnstile.ts';
import { siteverifyIdempotencyKey, verifyTurnstile } from './turnstile.ts';
import { newIdempotencyKey } from '../../widget/form/transport.ts';

let fake: FakeTurnstile;
beforeAll(async () => {
  fake = await startFakeTurnstile('secret');
});
afterAll(() => fake.close());

const check = (token: string, extra: Partial<Parameters<typeof verifyTurnstile>[0]> = {}) =>
  verifyTurnstile({ token, secret: 'secret', fetch, verifyUrl: fake.url, ...extra });

describe('verifyTurnstile', () => {
  it('passes a good token once, with the remote address, and reports Cloudflare’s codes otherwise', async () => {
    expect(await check('pass-1', { remoteIp: '203.0.113.7' })).toEqual({ ok: true });
    expect(fake.checks.at(-1)).toMatchObject({ secret: 'secret', response: 'pass-1', remoteip: '203.0.113.7' });
    expect(await check('pass-1')).toEqual({ ok: false, kind: 'refused', codes: ['timeout-or-duplicate'] });
    expect(await check('forged')).toEqual({ ok: false, kind: 'refused', codes: ['invalid-input-response'] });
    expect(await check('pass-2', { secret: 'wrong' })).toEqual({ ok: false, kind: 'refused', codes: ['invalid-input-secret'] });
  });

  it('repeats the first answer for a retry with the same idempotency key', async () => {
    const key = crypto.randomUUID();
    expect(await check('pass-3', { idempotencyKey: key })).toEqual({ ok: true });
    expect(await check('pass-3', { idempotencyKey: key })).toEqual({ ok: true });
  });

  it('repeats the first answer for a retry carrying the Idempotency-Key the widget makes (32 hex), sent as a UUID', async () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(await check('pass-5', { idempotencyKey: key })).toEqual({ ok: true });
    // The 202 was lost: the widget sends the same submission again, with the same key and token.
    expect(await check('pass-5', { idempotencyKey: key })).toEqual({ ok: true });
    const sent = fake.checks.slice(-2).map((item) => item.idempotencyKey);
    expect(sent[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent[1]).toBe(sent[0]);
    // Another submission with the same token is still a duplicate.
    expect(await check('pass-5', { idempotencyKey: newIdempotencyKey() })).toEqual({ ok: false, kind: 'refused', codes: ['timeout-or-duplicate'] });
  });

  it('repeats the first answer for any other key a client sends, named by a UUID derived from it', async () => {
    expect(await check('pass-6', { idempotencyKey: 'order-1234/retry' })).toEqual({ ok: true });
    expect(await check('pass-6', { idempotencyKey: 'order-1234/retry' })).toEqual({ ok: true });
    expect(fake.checks.at(-1)!.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives one UUID per key, the same every time: a UUID as it is, 32 hex as those bits, others by a name-based hash', async () => {
    const uuid = crypto.randomUUID();
    expect(await siteverifyIdempotencyKey(uuid.toUpperCase())).toBe(uuid);
    expect(await siteverifyIdempotencyKey('0123456789abcdef0123456789ABCDEF')).toBe('01234567-89ab-4def-8123-456789abcdef');
    const named = await siteverifyIdempotencyKey('k1');
    expect(named).toBe(await siteverifyIdempotencyKey('k1'));
    expect(named).not.toBe(await siteverifyIdempotencyKey('k2'));
    expect(named).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('the fake siteverify refuses an idempotency_key that is not a UUID, as Cloudflare does', async () => {
    const answer = await fetch(fake.url, {
      method: 'POST',
      body: new URLSearchParams({ secret: 'secret', response: 'pass-7', idempotency_key: newIdempotencyKey() }),
    });
    expect(await answer.json()).toMatchObject({ success: false, 'error-codes': ['bad-request'] });
  });

  it('says unavailable, not refused, when siteverify cannot be reached', async () => {
    const result = await check('pass-4', { verifyUrl: 'http://127.0.0.1:9/siteverify' });
    expect(result).toMatchObject({ ok: false, kind: 'unavailable' });
  });
});
