import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTurnstile, startFakeTurnstile } from './testing/fake-turnstile.ts';
import { verifyTurnstile } from './turnstile.ts';

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

  it('says unavailable, not refused, when siteverify cannot be reached', async () => {
    const result = await check('pass-4', { verifyUrl: 'http://127.0.0.1:9/siteverify' });
    expect(result).toMatchObject({ ok: false, kind: 'unavailable' });
  });
});
