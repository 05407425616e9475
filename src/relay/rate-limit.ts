/**
 * Rate limits on the accept path: a token bucket per key (an IP address, a form). The core asks
 * an injected `RateLimiter`; Node keeps the buckets in memory, Workers in a Durable Object per key
 * (`src/runtime/workers/`), and both use `takeToken` so they count alike.
 */
import type { RateRule } from './config.ts';

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  /** Counts one request against `key` under `rule`; when over, says how long until one fits. */
  take(key: string, rule: RateRule): Promise<RateDecision>;
}

export interface Bucket {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  at: number;
}

/**
 * Takes one token from `bucket` (a full bucket when it is undefined), refilled continuously at
 * `requests` per `perSeconds`. Returns the decision and the bucket to keep.
 */
export function takeToken(bucket: Bucket | undefined, rule: RateRule, now: number): { decision: RateDecision; bucket: Bucket } {
  const perMs = rule.requests / (rule.perSeconds * 1000);
  const tokens = bucket ? Math.min(rule.requests, bucket.tokens + (now - bucket.at) * perMs) : rule.requests;
  if (tokens >= 1) return { decision: { ok: true }, bucket: { tokens: tokens - 1, at: now } };
  return { decision: { ok: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) }, bucket: { tokens, at: now } };
}

export interface MemoryRateLimiterOptions {
  /** @default Date.now */
  now?: () => number;
  /**
   * Buckets kept at most; the least recently used go first (a forgotten bucket is a full one).
   * @default 100000
   */
  maxKeys?: number;
}

/** Buckets in this process's memory: right for one Node process. */
export function memoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  return {
    async take(key, rule) {
      const previous = buckets.get(key);
      const { decision, bucket } = takeToken(previous, rule, now());
      // Re-inserting moves the key to the end, so the Map's order is least recently used first.
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return decision;
    },
  };
}
