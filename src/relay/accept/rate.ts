/**
 * The rate limits, in two steps. The address's own budget is taken first, by every request that
 * names a form from an allowed origin, before its body is read: a refused, malformed, invalid or
 * bot's submission costs its sender as much as a good one, so an address cannot probe for free,
 * and a limited address costs the relay nothing more. The form's budget over all visitors is
 * taken last, only by a submission that passed everything else; a quarter of it is kept for each
 * address's first submission in the form's window, so a few addresses sending all they may cannot
 * spend it all and lock out the next visitor: that takes as many addresses as the reserve holds.
 *
 * An address is bucketed as `addressKey` says: an IPv6 address by its /64.
 */
import type { FormConfig, Limits, RateRule } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import { addressKey, type RateLimiter, type TakeRule } from '../rate-limit.ts';

/** The part of a form's budget only an address's first submission in the form's window may spend. */
export const FIRST_SUBMISSION_SHARE = 0.25;

/** Takes a token from the address's bucket, over all forms; null (an address the runtime does not know) is not limited. */
export async function takeAddressLimit(clientIp: string | null, limits: Limits, rateLimiter: RateLimiter): Promise<Refusable<void>> {
  if (!clientIp) return passed(undefined);
  return take(rateLimiter, `ip:${addressKey(clientIp)}`, limits.perIp, 'this address');
}

export interface FormRateFacts {
  formId: string;
  form: FormConfig;
  /** Null (an address the runtime does not know) counts as a first submission. */
  clientIp: string | null;
}

/**
 * Takes a token from the form's bucket. The address's first submission in the form's window may
 * spend the whole bucket; any later one only what is above the reserve.
 */
export async function takeFormLimit({ formId, form, clientIp }: FormRateFacts, limits: Limits, rateLimiter: RateLimiter): Promise<Refusable<void>> {
  const rule = form.rateLimit ?? limits.perForm;
  const rules = formRules(rule);
  const seen = clientIp ? `form:${formId}@ip:${addressKey(clientIp)}` : null;
  const first = seen === null || (await rateLimiter.take(seen, rules.seen)).ok;
  const taken = await take(rateLimiter, `form:${formId}`, first ? rule : rules.later, 'this form');
  // A first submission the form refused stays a first one: its retry, at the time the 429 names, may spend the reserve.
  if (!taken.ok && first && seen !== null) await rateLimiter.take(seen, rules.refundSeen);
  return taken;
}

/**
 * The rules a form's budget `rule` implies: `seen` marks an address's first submission in the
 * window, `refundSeen` takes that mark back, `later` keeps the reserve from an address's later
 * submissions. Made once per rule, not per submission.
 */
function formRules(rule: RateRule): { seen: TakeRule; refundSeen: TakeRule; later: TakeRule } {
  let rules = derivedRules.get(rule);
  if (!rules) {
    const seen = { requests: 1, perSeconds: rule.perSeconds };
    const reserve = Math.floor(rule.requests * FIRST_SUBMISSION_SHARE);
    rules = { seen, refundSeen: { ...seen, refund: true }, later: reserve ? { ...rule, reserve } : rule };
    derivedRules.set(rule, rules);
  }
  return rules;
}
const derivedRules = new WeakMap<RateRule, { seen: TakeRule; refundSeen: TakeRule; later: TakeRule }>();

async function take(rateLimiter: RateLimiter, key: string, rule: TakeRule, who: string): Promise<Refusable<void>> {
  const decision = await rateLimiter.take(key, rule);
  if (decision.ok) return passed(undefined);
  return refused(tooMany(who, rule, decision.retryAfterMs));
}

/** The 429 every rate limit answers with: who is limited, the rule, and when to retry. */
export function tooMany(who: string, rule: RateRule, retryAfterMs: number, what = 'submissions'): RelayError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new RelayError('rate_limited', 429, `Too many ${what} from ${who} (at most ${rule.requests} per ${rule.perSeconds} s); try again in ${seconds} s.`, {
    retryAfterSeconds: seconds,
  });
}
