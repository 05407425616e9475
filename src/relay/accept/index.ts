/**
 * The accept path of `POST /v1/forms/{id}/submissions` as one function of the request's facts,
 * with no HTTP: each step below is one concern, in the order the relay checks them, and each
 * answers with a value or a refusal. The first refusal is the answer; a bot's submission is
 * answered as if accepted and stops before anything is stored. The address's rate limit comes
 * before the body is read, so every request past the origin check costs its sender, whatever
 * follows; the form's comes after everything else, so only a good submission spends it.
 */
import { type FormConfig, formDestinations, type RelayConfig } from '../config.ts';
import { internalError, passed, type Refusable, RelayError } from '../errors.ts';
import type { Log } from '../log.ts';
import type { Outbox } from '../outbox.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { TurnstileVerifier } from '../turnstile.ts';
import type { PartialStore } from '../partials/store.ts';
import { type AcceptAnswer, acceptAnswer } from './answer.ts';
import { readBody, type SubmissionBody } from './body.ts';
import { bodyEncoding } from './content-type.ts';
import { findForm } from './form.ts';
import { idempotencyKey, type Sha256, submissionHash } from './idempotency.ts';
import { allowedOrigin } from './origin.ts';
import { parseBody } from './parse.ts';
import { readPhones } from './phone.ts';
import { takeAddressLimit, takeFormLimit } from './rate.ts';
import { validBody } from './schema.ts';
import { spamReason } from './spam.ts';
import { storeLead } from './store.ts';
import { checkTurnstile } from './turnstile.ts';

/** What the accept path needs to know of one request. */
export interface SubmissionInput {
  formId: string;
  /** The request's URL: its origin is the one `"self"` allows, and a relative Referer resolves against it. */
  url: string;
  /** The `Origin` header; null when absent (not a browser). */
  origin: string | null;
  /** The `Content-Type` header as sent; null when absent. */
  contentType: string | null;
  body: SubmissionBody;
  /** The `Idempotency-Key` header as sent; null when absent. */
  idempotencyKey: string | null;
  /** The `Referer` header, where an HTML form post is sent back to; null when absent. */
  referer: string | null;
  /** The visitor's address as the runtime knows it; null skips the per-address limit. */
  clientIp: string | null;
  /** Epoch milliseconds: when the request arrived, for the time the log reports. @default the clock when the path starts */
  startedAt?: number;
}

export interface AcceptDeps {
  config: Pick<RelayConfig, 'forms' | 'limits'>;
  outbox: Pick<Outbox, 'accept' | 'findByIdempotencyKey'>;
  /** Epoch milliseconds. */
  now: () => number;
  /** The id of the next lead (a dropped bot's submission is answered with one too). */
  newId: () => string;
  sha256: Sha256;
  rateLimiter: RateLimiter;
  verifyTurnstile: TurnstileVerifier;
  /** Reads a secret (a form's Turnstile secret key) by the environment variable the configuration names. */
  secret: (name: string) => string | undefined;
  log: Log;
  /** @default the configuration's `limits.maxBodyBytes` */
  maxBodyBytes?: number;
  /** Called after a lead is stored (not for a retry), once per destination of its form, so the runtime can start delivering it at once. @default none */
  onAccepted?: ((destination: string) => unknown) | undefined;
  /**
   * Where a form's partials are kept, to end the one the final submission supersedes (same
   * Idempotency-Key). Left out where the outbox ends it in the lead's own transaction. @default none
   */
  partials?: Pick<PartialStore, 'complete'> | undefined;
}

export interface Accepted {
  /** The id the visitor is given: the stored lead's, or for a dropped bot, one nothing was stored under. */
  id: string;
  /**
   * `stored` anew; `replayed`: a retry of a stored submission, answered with its id (by the outbox,
   * or after Turnstile found the token spent on it); `dropped`: a bot's, with nothing stored.
   */
  outcome: 'stored' | 'replayed' | 'dropped';
  answer: AcceptAnswer;
}

/**
 * The answer to a submission, with the origin its answer may be read from: an allowed origin
 * gets the CORS headers on every answer past the origin check, refusals included.
 */
export type AcceptOutcome = Refusable<Accepted> & { corsOrigin: string | null };

/**
 * Runs every step of the accept path in order and never throws: a dependency that throws ends
 * the path with an `internal_error` whose cause is what it threw.
 */
export async function acceptSubmission(input: SubmissionInput, deps: AcceptDeps): Promise<AcceptOutcome> {
  const startedAt = input.startedAt ?? deps.now();
  let corsOrigin: string | null = null;
  try {
    const form = findForm(deps.config.forms, input.formId);
    if (!form.ok) return { ...form, corsOrigin };
    const origin = allowedOrigin(form.value, input);
    if (!origin.ok) return { ...origin, corsOrigin };
    corsOrigin = origin.value;
    return { ...(await acceptFromAllowedOrigin(form.value, input, startedAt, deps)), corsOrigin };
  } catch (cause) {
    // A refusal a dependency throws (a store that is unavailable) is answered as it says.
    return { ok: false, error: cause instanceof RelayError ? cause : internalError(cause), corsOrigin };
  }
}

async function acceptFromAllowedOrigin(form: FormConfig, input: SubmissionInput, startedAt: number, deps: AcceptDeps): Promise<Refusable<Accepted>> {
  const { formId } = input;
  const { forms, limits } = deps.config;

  const perAddress = await takeAddressLimit(input.clientIp, limits, deps.rateLimiter);
  if (!perAddress.ok) return perAddress;
  const encoding = bodyEncoding(input.contentType);
  if (!encoding.ok) return encoding;
  const raw = await readBody(input.body, deps.maxBodyBytes ?? limits.maxBodyBytes);
  if (!raw.ok) return raw;
  const body = parseBody(raw.value, encoding.value, form);
  if (!body.ok) return body;
  const key = idempotencyKey(input.idempotencyKey);
  if (!key.ok) return key;
  const submission = validBody(forms, formId, body.value);
  if (!submission.ok) return submission;
  const withPhones = readPhones(form.fields, submission.value);
  if (!withPhones.ok) return withPhones;

  const htmlForm = encoding.value === 'form';
  const acceptedAs = (id: string, outcome: Accepted['outcome']): Refusable<Accepted> =>
    passed({ id, outcome, answer: acceptAnswer(form, { id, htmlForm, referer: input.referer, url: input.url }) });

  const id = deps.newId();
  const spam = spamReason(form, submission.value.meta);
  if (spam) {
    deps.log('submission.dropped', { form: formId, reason: spam });
    return acceptedAs(id, 'dropped');
  }

  const bodyHash = await submissionHash(submission.value, deps.sha256);
  if (form.turnstile) {
    const facts = { formId, turnstile: form.turnstile, token: submission.value.meta?.turnstile, clientIp: input.clientIp, idempotencyKey: key.value, bodyHash };
    const earlier = await checkTurnstile(facts, { verify: deps.verifyTurnstile, secret: deps.secret, outbox: deps.outbox, log: deps.log });
    if (!earlier.ok) return earlier;
    if (earlier.value !== null) return acceptedAs(earlier.value, 'replayed');
  }

  const perForm = await takeFormLimit({ formId, form, clientIp: input.clientIp }, limits, deps.rateLimiter);
  if (!perForm.ok) return perForm;

  const stored = await storeLead({ id, formId, form, submission: withPhones.value, idempotencyKey: key.value, bodyHash, receivedAt: deps.now() }, deps.outbox);
  if (!stored.ok) return stored;
  deps.log('submission.accepted', {
    id: stored.value.id,
    form: formId,
    destination: formDestinations(form).join(','),
    replayed: stored.value.kind === 'replayed',
    ms: deps.now() - startedAt,
  });
  if (form.partials && key.value !== null && deps.partials) {
    // A retry too: the completion may be what failed the first time. A failure here only leaves
    // the partial pending, and promotion finds the final submission before it promotes.
    try {
      await deps.partials.complete(formId, key.value, deps.now());
    } catch (error) {
      deps.log('partial.complete_failed', { form: formId, error: error instanceof Error ? error.message.slice(0, 200) : String(error) });
    }
  }
  if (stored.value.kind === 'stored') {
    // The lead is stored: a runtime's hook failing (it only hastens delivery) must not turn its
    // 202 into an error the visitor would answer by sending the lead again.
    // Each destination is woken apart, so one hook failing still wakes the others.
    for (const destination of formDestinations(form)) {
      try {
        await deps.onAccepted?.(destination);
      } catch (error) {
        deps.log('submission.on_accepted_failed', {
          id: stored.value.id,
          destination,
          error: error instanceof Error ? error.message.slice(0, 200) : String(error),
        });
      }
    }
  }
  return acceptedAs(stored.value.id, stored.value.kind);
}
