/**
 * Rate limits on the accept path: a token bucket per key (an address, a form). The core asks
 * an injected `RateLimiter`; Node keeps the buckets in memory, Workers in a Durable Object per key
 * (`src/runtime/workers/`), and both use `takeToken` so they count alike.
 */
import type { RateRule } from './config.ts';

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * A rule as one take applies it: `reserve` tokens at the bottom of the bucket this take may not
 * spend (the share of a form's budget kept for visitors it has not seen yet); `refund` gives back
 * the token an earlier take spent on a request that in the end was not let through.
 * @default reserve 0, no refund
 */
export type TakeRule = RateRule & { reserve?: number | undefined; refund?: boolean | undefined };

export interface RateLimiter {
  /**
   * Counts one request against `key` under `rule`; when over, says how long until one fits. A
   * runtime hands `rule` to its store as it is, so a store in another process gets `reserve` too.
   */
  take(key: string, rule: TakeRule): Promise<RateDecision>;
}

export interface Bucket {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  at: number;
}

/**
 * Takes one token from `bucket` (a full bucket when it is undefined), refilled continuously at
 * `requests` per `perSeconds`, leaving at least `reserve` in it. Returns the decision and the
 * bucket to keep.
 */
export function takeToken(bucket: Bucket | undefined, rule: TakeRule, now: number): { decision: RateDecision; bucket: Bucket } {
  const tokens = refilled(bucket, rule, now);
  if (rule.refund) return { decision: { ok: true }, bucket: { tokens: Math.min(rule.requests, tokens + 1), at: now } };
  const floor = 1 + Math.max(0, rule.reserve ?? 0);
  if (tokens >= floor) return { decision: { ok: true }, bucket: { tokens: tokens - 1, at: now } };
  return { decision: { ok: false, retryAfterMs: Math.ceil((floor - tokens) / perMs(rule)) }, bucket: { tokens, at: now } };
}

/** The tokens in `bucket` at `now` (a full bucket when it is undefined). */
export function refilled(bucket: Bucket | undefined, rule: RateRule, now: number): number {
  if (!bucket) return rule.requests;
  return Math.min(rule.requests, bucket.tokens + (now - bucket.at) * perMs(rule));
}

/** Tokens a bucket under `rule` refills per millisecond. */
export function perMs(rule: RateRule): number {
  return rule.requests / (rule.perSeconds * 1000);
}

/**
 * The key of an address's bucket. An IPv6 host is given a whole /64 (SLAAC, privacy addresses),
 * so it could otherwise take a fresh bucket per address: every address of one /64 shares
 * `2001:db8:1:2::/64`. An IPv4 address, also written IPv4-mapped (`::ffff:203.0.113.7`), is its
 * own; anything that does not parse as an address is kept as given.
 */
export function addressKey(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const v6 = ipv6Groups(trimmed.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (!v6) return trimmed;
  if (v6.mapped) return v6.mapped;
  return `${v6.groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, or null; `mapped` is the IPv4 in `::ffff:a.b.c.d`. */
export function ipv6Groups(text: string): { groups: number[]; mapped: string | null } | null {
  if (!text.includes(':')) return null;
  let mapped: string | null = null;
  let body = text;
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const octets = dotted[2]!.split('.').map(Number);
    if (octets.some((octet) => octet > 255)) return null;
    body = `${dotted[1]}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
    mapped = dotted[2]!;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const part = (half: string) => (half === '' ? [] : half.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  const groups = all.map((group) => Number.parseInt(group, 16));
  const isMapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  return { groups, mapped: isMapped ? (mapped ?? `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`) : null };
}

export interface MemoryRateLimiterOptions {
  /** @default Date.now */
  now?: () => number;
  /**
   * Buckets kept at most. A key is kept while fewer than half as many others are used after it;
   * a forgotten bucket is a full one.
   * @default 100000
   */
  maxKeys?: number;
}

/**
 * Buckets in this process's memory: right for one Node process. Kept in two generations of half
 * `maxKeys` each: a key used in the current one stays; a key of the previous one moves up when
 * used; when the current one is full, the previous one is forgotten whole. So a busy key is never
 * forgotten, and a take writes one entry of a Map instead of reordering it (every submission takes
 * three).
 */
export function memoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const generation = Math.max(1, Math.ceil((options.maxKeys ?? 100_000) / 2));
  let current = new Map<string, Bucket>();
  let previous = new Map<string, Bucket>();
  return {
    async take(key, rule) {
      let bucket = current.get(key);
      if (bucket === undefined) {
        bucket = previous.get(key);
        if (bucket !== undefined) previous.delete(key);
        if (current.size >= generation) {
          previous = current;
          current = new Map();
        }
      }
      const taken = takeToken(bucket, rule, now());
      current.set(key, taken.bucket);
      return taken.decision;
    },
  };
}
