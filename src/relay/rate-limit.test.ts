import { describe, expect, it } from 'vitest';
import { memoryRateLimiter, takeToken } from './rate-limit.ts';

const rule = { requests: 3, perSeconds: 60 };

describe('takeToken', () => {
  it('lets a full bucket through, refuses when empty with the wait until one token refills', () => {
    let bucket: Parameters<typeof takeToken>[0];
    for (let i = 0; i < 3; i++) {
      const taken = takeToken(bucket, rule, 0);
      expect(taken.decision).toEqual({ ok: true });
      bucket = taken.bucket;
    }
    const refused = takeToken(bucket, rule, 0);
    expect(refused.decision).toEqual({ ok: false, retryAfterMs: 20_000 });
    expect(takeToken(refused.bucket, rule, 19_999).decision.ok).toBe(false);
    expect(takeToken(refused.bucket, rule, 20_000).decision.ok).toBe(true);
  });
});

describe('memoryRateLimiter', () => {
  it('keeps one bucket per key', async () => {
    let time = 0;
    const limiter = memoryRateLimiter({ now: () => time });
    for (let i = 0; i < 3; i++) expect((await limiter.take('ip:a', rule)).ok).toBe(true);
    expect((await limiter.take('ip:a', rule)).ok).toBe(false);
    expect((await limiter.take('ip:b', rule)).ok).toBe(true);
    time += 60_000;
    expect((await limiter.take('ip:a', rule)).ok).toBe(true);
  });

  it('forgets the least recently used keys past its size, never the busy ones', async () => {
    const limiter = memoryRateLimiter({ now: () => 0, maxKeys: 2 });
    for (let i = 0; i < 3; i++) await limiter.take('busy', rule);
    await limiter.take('one', rule);
    await limiter.take('busy', rule); // refused, but now the most recently used
    await limiter.take('two', rule); // evicts "one", the least recently used
    expect((await limiter.take('busy', rule)).ok).toBe(false);
  });
});
