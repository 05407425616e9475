/**
 * A token bucket in a Durable Object: one object per key (`ip:203.0.113.7`, `form:contact`,
 * `form:contact@ip:2001:db8:1:2::/64`), so every Worker isolate in every location counts against the same bucket. The bucket lives in the
 * object's memory; an object evicted after a quiet spell comes back with a full bucket, which is
 * what a quiet spell would have refilled it to anyway for the short windows limits use.
 */
import { DurableObject } from 'cloudflare:workers';
import { type Bucket, type RateDecision, type TakeRule, takeToken } from '../../relay/rate-limit.ts';
import type { Env } from './shared.ts';

export class RateLimiterObject extends DurableObject<Env> {
  private bucket: Bucket | undefined;

  /** `rule` as the accept path gave it, its `reserve` included. */
  take(rule: TakeRule): RateDecision {
    const { decision, bucket } = takeToken(this.bucket, rule, Date.now());
    this.bucket = bucket;
    return decision;
  }
}
