import { describe, expect, it } from 'vitest';
import { addressKey, memoryRateLimiter, takeToken } from './rate-limit.ts';

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

describe('takeToken with a reserve', () => {
  it('leaves the reserve in the bucket, and says when a token above it refills', () => {
    const bucket = { tokens: 3, at: 0 };
    expect(takeToken(bucket, { ...rule, reserve: 2 }, 0).decision).toEqual({ ok: true });
    expect(takeToken({ tokens: 2.5, at: 0 }, { ...rule, reserve: 2 }, 0).decision).toEqual({ ok: false, retryAfterMs: 10_000 });
    // A take without a reserve may still spend it.
    expect(takeToken({ tokens: 2.5, at: 0 }, rule, 0).decision).toEqual({ ok: true });
  });
});

describe('addressKey', () => {
  it('keeps an IPv4 address, also written IPv4-mapped', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::FFFF:cb00:7107')).toBe('203.0.113.7');
  });

  it('gives every address of one IPv6 /64 the same key, however it is written', () => {
    const key = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd',
      '[2001:db8:1:2::9]',
      'fe80::1%eth0'.replace('fe80::', '2001:db8:1:2::'),
    ]) {
      expect(addressKey(address), address).toBe(key);
    }
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('keeps what is not an address as it came', () => {
    for (const text of ['unknown', '2001:db8::1::2', '1:2:3:4:5:6:7:8:9', '::ffff:300.1.1.1', 'g::1']) expect(addressKey(text)).toBe(text);
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

  it('forgets a key once half of maxKeys other keys were used after it, never one used meanwhile', async () => {
    const limiter = memoryRateLimiter({ now: () => 0, maxKeys: 4 });
    for (let i = 0; i < 3; i++) await limiter.take('spent', rule);
    for (let i = 0; i < 3; i++) await limiter.take('kept', rule);
    await limiter.take('a', rule);
    expect((await limiter.take('kept', rule)).ok).toBe(false);
    await limiter.take('b', rule);
    // "spent" saw three other keys since: forgotten, its bucket full again; "kept" was used among them.
    expect((await limiter.take('kept', rule)).ok).toBe(false);
    expect((await limiter.take('spent', rule)).ok).toBe(true);
  });
});
