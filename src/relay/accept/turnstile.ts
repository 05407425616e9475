/**
 * Cloudflare Turnstile, for a form that asks for it: the token the widget earned is checked
 * server-side before anything is stored.
 */
import type { FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { Log } from '../log.ts';
import type { Outbox } from '../outbox.ts';
import type { TurnstileVerifier } from '../turnstile.ts';

export interface TurnstileFacts {
  formId: string;
  turnstile: NonNullable<FormConfig['turnstile']>;
  /** The token from `meta.turnstile`, if the submission carried one. */
  token: string | undefined;
  clientIp: string | null;
  idempotencyKey: string | null;
  bodyHash: string;
}

export interface TurnstileDeps {
  verify: TurnstileVerifier;
  /** Reads the secret key by the environment variable the form names. */
  secret: (name: string) => string | undefined;
  outbox: Pick<Outbox, 'findByIdempotencyKey'>;
  log: Log;
}

/**
 * Checks the token with Cloudflare. A token is good once: when the widget retries a submission
 * whose 202 it never received, Cloudflare answers `timeout-or-duplicate`; if that same key and body
 * were stored, the retry gets the first id back instead of a refusal for a lead that is in fact safe.
 *
 * @returns the earlier submission's id when this is its retry, else null (the token passed)
 */
export async function checkTurnstile(facts: TurnstileFacts, deps: TurnstileDeps): Promise<Refusable<string | null>> {
  const { formId, turnstile, token, idempotencyKey } = facts;
  if (!token) {
    return refused(
      new RelayError(
        'captcha_failed',
        403,
        'This form needs a Turnstile token in meta.turnstile (the cf-turnstile-response field); let the challenge finish, then send again.',
      ),
    );
  }
  const secret = deps.secret(turnstile.secretEnv);
  if (!secret) {
    return refused(
      new RelayError('captcha_unavailable', 503, `The relay cannot check Turnstile: ${turnstile.secretEnv} is not set.`, { retryAfterSeconds: 60 }),
    );
  }
  const verdict = await deps.verify({ token, secret, remoteIp: facts.clientIp, idempotencyKey });
  if (verdict.ok) return passed(null);
  if (verdict.kind === 'unavailable') {
    deps.log('turnstile.unavailable', { form: formId, reason: verdict.reason });
    return refused(
      new RelayError('captcha_unavailable', 503, 'Turnstile could not be checked just now; send the submission again in a few seconds.', {
        retryAfterSeconds: 5,
      }),
    );
  }
  if (idempotencyKey !== null && verdict.codes.includes('timeout-or-duplicate')) {
    const earlier = await deps.outbox.findByIdempotencyKey(formId, idempotencyKey);
    if (earlier?.bodyHash === facts.bodyHash) return passed(earlier.id);
  }
  deps.log('submission.captcha_failed', { form: formId, codes: verdict.codes.join(',') });
  return refused(
    new RelayError(
      'captcha_failed',
      403,
      `Turnstile refused the token (${verdict.codes.join(', ') || 'no reason given'}); complete the challenge again, then send.`,
    ),
  );
}
