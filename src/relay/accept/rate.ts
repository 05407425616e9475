/** The rate limits: one bucket per visitor's address, then one per form over all visitors. */
import type { FormConfig, Limits, RateRule } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { RateLimiter } from '../rate-limit.ts';

export interface RateFacts {
  formId: string;
  form: FormConfig;
  /** Null (an address the runtime does not know) skips the per-address limit. */
  clientIp: string | null;
}

/** Takes a token from each bucket in turn; a refusal by the first leaves the second untouched. */
export async function takeRateLimits({ formId, form, clientIp }: RateFacts, limits: Limits, rateLimiter: RateLimiter): Promise<Refusable<void>> {
  if (clientIp) {
    const perIp = await take(rateLimiter, `ip:${clientIp}`, limits.perIp, 'this address');
    if (!perIp.ok) return perIp;
  }
  return take(rateLimiter, `form:${formId}`, form.rateLimit ?? limits.perForm, 'this form');
}

async function take(rateLimiter: RateLimiter, key: string, rule: RateRule, who: string): Promise<Refusable<void>> {
  const decision = await rateLimiter.take(key, rule);
  if (decision.ok) return passed(undefined);
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  return refused(
    new RelayError('rate_limited', 429, `Too many submissions from ${who} (at most ${rule.requests} per ${rule.perSeconds} s); try again in ${seconds} s.`, {
      retryAfterSeconds: seconds,
    }),
  );
}
