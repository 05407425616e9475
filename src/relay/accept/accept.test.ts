/**
 * `acceptSubmission` called directly, with no HTTP: the order of its steps, what each outcome
 * stores, and which dependencies it asks, with fakes that record every call.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { RelayError } from '../errors.ts';
import type { AcceptInput, AcceptResult, KeyLookup } from '../outbox.ts';
import type { RateDecision } from '../rate-limit.ts';
import type { TurnstileQuestion, TurnstileResult } from '../turnstile.ts';
import type { ArrivingBody } from './body.ts';
import { type AcceptDeps, acceptSubmission, type SubmissionInput } from './index.ts';

const fields = [
  { name: 'name', type: 'text', required: true },
  { name: 'email', type: 'email', required: true },
  { name: 'news', type: 'checkbox' },
];
const config = (() => {
  const parsed = parseConfig({
    forms: {
      contact: { fields, allowedOrigins: ['https://shop.example'], destination: 'inbox', minFillMs: 1000 },
      guarded: { fields, destination: 'inbox', minFillMs: 0, turnstile: { siteKey: '1x00000000000000000000AA', secretEnv: 'TURNSTILE_SECRET_KEY' } },
      thanks: { fields, destination: 'inbox', minFillMs: 0, redirectUrl: 'https://shop.example/thanks' },
    },
    destinations: { inbox: { type: 'sandbox' } },
    limits: { maxBodyBytes: 1024 },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
})();

const valid = { fields: { name: 'Ada', email: 'ada@example.com' }, meta: { fillMs: 5000 } };
const KEY = '123e4567-e89b-12d3-a456-426614174000';

/** Every dependency as a fake that writes what it was asked into one ordered list. */
function fakes(options: { refuseRate?: string[]; turnstile?: TurnstileResult[]; secret?: string } = {}) {
  const calls: string[] = [];
  const stored: AcceptInput[] = [];
  const questions: TurnstileQuestion[] = [];
  const rateKeys: string[] = [];
  const verdicts = [...(options.turnstile ?? [])];
  let n = 0;
  const deps: AcceptDeps = {
    config,
    outbox: {
      async accept(input): Promise<AcceptResult> {
        calls.push('outbox.accept');
        const earlier = stored.find((s) => s.idempotencyKey !== null && s.idempotencyKey === input.idempotencyKey && s.lead.formId === input.lead.formId);
        if (earlier) return { kind: earlier.bodyHash === input.bodyHash ? 'replayed' : 'conflict', id: earlier.lead.id };
        stored.push(input);
        return { kind: 'stored', id: input.lead.id };
      },
      async findByIdempotencyKey(formId, key): Promise<KeyLookup | null> {
        calls.push('outbox.findByIdempotencyKey');
        const earlier = stored.find((s) => s.lead.formId === formId && s.idempotencyKey === key);
        return earlier ? { id: earlier.lead.id, bodyHash: earlier.bodyHash } : null;
      },
    },
    now: () => 1_700_000_000_000,
    newId: () => `lead-${++n}`,
    sha256: (text) => `hash of ${text}`,
    rateLimiter: {
      async take(key): Promise<RateDecision> {
        calls.push(`rate ${key}`);
        rateKeys.push(key);
        return options.refuseRate?.includes(key) ? { ok: false, retryAfterMs: 1500 } : { ok: true };
      },
    },
    verifyTurnstile: async (question) => {
      calls.push('turnstile');
      questions.push(question);
      return verdicts.shift() ?? { ok: true };
    },
    secret: (name) => (name === 'TURNSTILE_SECRET_KEY' ? (options.secret ?? 'the-secret') : undefined),
    log: (event) => void calls.push(`log ${event}`),
    onAccepted: (destination) => void calls.push(`onAccepted ${destination}`),
  };
  return { deps, calls, stored, questions, rateKeys };
}

const input = (overrides: Partial<SubmissionInput> = {}): SubmissionInput => ({
  formId: 'contact',
  url: 'https://relay.example/v1/forms/contact/submissions',
  origin: null,
  contentType: 'application/json',
  body: JSON.stringify(valid),
  idempotencyKey: null,
  referer: null,
  clientIp: null,
  ...overrides,
});

/** A request body that records whether it was read, as a runtime's body would be. */
function arriving(text: string, declaredLength: string | null = String(text.length)) {
  const reads: string[] = [];
  const body: ArrivingBody = {
    declaredLength,
    async text() {
      reads.push('text');
      return text;
    },
    stream() {
      reads.push('stream');
      return new Response(text).body;
    },
  };
  return { body, reads };
}

const refusal = (outcome: Awaited<ReturnType<typeof acceptSubmission>>) => {
  if (outcome.ok) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
};

describe('acceptSubmission: the order of the checks', () => {
  it('answers an unknown form with 404 before looking at the origin', async () => {
    const { deps } = fakes();
    const outcome = await acceptSubmission(input({ formId: 'nope', origin: 'https://evil.example' }), deps);
    expect(refusal(outcome)).toMatchObject({ code: 'unknown_form', status: 404 });
    expect(outcome.corsOrigin).toBeNull();
  });

  it('refuses a foreign origin with 403 before the content type or the body, reading none of it', async () => {
    const { deps, calls } = fakes();
    const { body, reads } = arriving('{"fields": not json');
    const outcome = await acceptSubmission(input({ origin: 'https://evil.example', contentType: 'text/plain', body }), deps);
    const error = refusal(outcome);
    expect([error.code, error.status]).toEqual(['origin_not_allowed', 403]);
    expect(error.message).toContain('forms.contact.allowedOrigins');
    expect(outcome.corsOrigin).toBeNull();
    expect(reads).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses a wrong content type with 415 before the body size, reading none of it', async () => {
    const { deps } = fakes();
    const { body, reads } = arriving('x', '99999999');
    const outcome = await acceptSubmission(input({ origin: 'https://shop.example', contentType: 'text/plain', body }), deps);
    expect(refusal(outcome).code).toBe('unsupported_media_type');
    // Past the origin check, a refusal is readable by the page that sent it.
    expect(outcome.corsOrigin).toBe('https://shop.example');
    expect(reads).toEqual([]);
  });

  it('refuses a body that declares more than the limit with 413 without reading it', async () => {
    const { deps } = fakes();
    const { body, reads } = arriving('{}', '1025');
    expect(refusal(await acceptSubmission(input({ body }), deps))).toMatchObject({ code: 'too_large', status: 413 });
    expect(reads).toEqual([]);
  });

  it('parses before it checks the Idempotency-Key, and checks the key before the fields', async () => {
    const { deps } = fakes();
    expect(refusal(await acceptSubmission(input({ body: '{', idempotencyKey: 'with space' }), deps)).code).toBe('bad_json');
    expect(refusal(await acceptSubmission(input({ body: '{"fields":{}}', idempotencyKey: 'with space' }), deps)).code).toBe('bad_request');
  });

  it('validates the fields before it looks for a bot: an invalid honeypot submission gets 422', async () => {
    const { deps, calls } = fakes();
    const error = refusal(await acceptSubmission(input({ body: JSON.stringify({ fields: { name: '' }, meta: { hp: 'x' } }) }), deps));
    expect(error.status).toBe(422);
    expect(error.extra.issues?.map((issue) => issue.path.join('.'))).toEqual(['fields.name', 'fields.email']);
    expect(calls).toEqual([]);
  });

  it("takes the address's token before reading the body, and answers a limited address 429 without reading it", async () => {
    const { deps, calls } = fakes({ refuseRate: ['ip:203.0.113.7'] });
    const { body, reads } = arriving('{"fields": not json');
    const error = refusal(await acceptSubmission(input({ body, clientIp: '203.0.113.7' }), deps));
    expect([error.code, error.status, error.message]).toEqual(['rate_limited', 429, expect.stringContaining('this address')]);
    expect(reads).toEqual([]);
    expect(calls).toEqual(['rate ip:203.0.113.7']);
  });

  it("asks Turnstile before the form's limit: a refused token costs the address's token, not the form's", async () => {
    const { deps, calls } = fakes({ turnstile: [{ ok: false, kind: 'refused', codes: ['invalid-input-response'] }] });
    const body = JSON.stringify({ ...valid, meta: { turnstile: 'bot-token' } });
    const error = refusal(await acceptSubmission(input({ formId: 'guarded', body, clientIp: '203.0.113.7' }), deps));
    expect([error.code, error.status]).toEqual(['captcha_failed', 403]);
    expect(calls).toEqual(['rate ip:203.0.113.7', 'turnstile', 'log submission.captcha_failed']);
  });

  it('answers 202 for a stored lead even when the runtime hook that hastens its delivery throws', async () => {
    const { deps, calls, stored } = fakes();
    const outcome = await acceptSubmission(input(), {
      ...deps,
      onAccepted: () => {
        throw new Error('delivery loop gone');
      },
    });
    expect(outcome).toMatchObject({ ok: true, value: { outcome: 'stored', answer: { status: 202 } } });
    expect(stored).toHaveLength(1);
    expect(calls).toContain('log submission.on_accepted_failed');
  });

  it("takes the per-address limit, then the address's first-submission share and the per-form one, then stores, logs and hands the lead on", async () => {
    const { deps, calls, stored } = fakes();
    const outcome = await acceptSubmission(input({ clientIp: '203.0.113.7', idempotencyKey: 'k1' }), deps);
    expect(outcome).toMatchObject({ ok: true, value: { id: 'lead-1', outcome: 'stored', answer: { status: 202, body: { id: 'lead-1' } } } });
    expect(calls).toEqual([
      'rate ip:203.0.113.7',
      'rate form:contact@ip:203.0.113.7',
      'rate form:contact',
      'outbox.accept',
      'log submission.accepted',
      'onAccepted inbox',
    ]);
    expect(stored[0]).toMatchObject({
      destination: 'inbox',
      idempotencyKey: 'k1',
      lead: { id: 'lead-1', formId: 'contact', receivedAt: '2023-11-14T22:13:20.000Z', fields: valid.fields },
    });
  });
});

describe('acceptSubmission: bots', () => {
  it("answers the honeypot as accepted and stores nothing, asking neither Turnstile nor the form's limit (the address's token is spent)", async () => {
    const { deps, calls } = fakes();
    const body = JSON.stringify({ ...valid, meta: { fillMs: 5000, hp: 'https://spam.example' } });
    const outcome = await acceptSubmission(input({ formId: 'guarded', body, clientIp: '203.0.113.7' }), deps);
    expect(outcome).toMatchObject({ ok: true, value: { id: 'lead-1', outcome: 'dropped', answer: { status: 202 } } });
    expect(calls).toEqual(['rate ip:203.0.113.7', 'log submission.dropped']);
  });

  it('drops a form filled faster than a person could, and names that reason over the honeypot', async () => {
    const logged: unknown[] = [];
    const { deps, stored } = fakes();
    deps.log = (event, fields) => void logged.push({ event, ...fields });
    const outcome = await acceptSubmission(input({ body: JSON.stringify({ ...valid, meta: { fillMs: 300, hp: 'x' } }) }), deps);
    expect(outcome.ok && outcome.value.outcome).toBe('dropped');
    expect(logged).toEqual([{ event: 'submission.dropped', form: 'contact', reason: 'fill_time' }]);
    expect(stored).toEqual([]);
  });
});

describe('acceptSubmission: Turnstile', () => {
  const guarded = (token: string, extra: Partial<SubmissionInput> = {}) =>
    input({ formId: 'guarded', body: JSON.stringify({ ...valid, meta: { turnstile: token } }), idempotencyKey: KEY, ...extra });

  it('answers a retry whose token Cloudflare calls spent with the id stored the first time, storing nothing more', async () => {
    const { deps, calls, stored } = fakes({ turnstile: [{ ok: true }, { ok: false, kind: 'refused', codes: ['timeout-or-duplicate'] }] });
    const first = await acceptSubmission(guarded('token-1'), deps);
    expect(first.ok && first.value.id).toBe('lead-1');
    calls.length = 0;
    // The same body with a fresh token: the token is not part of what makes two bodies the same.
    const retry = await acceptSubmission(guarded('token-2', { clientIp: '203.0.113.7' }), deps);
    expect(retry).toMatchObject({ ok: true, value: { id: 'lead-1', outcome: 'replayed', answer: { status: 202, body: { id: 'lead-1' } } } });
    expect(calls).toEqual(['rate ip:203.0.113.7', 'turnstile', 'outbox.findByIdempotencyKey']);
    expect(stored).toHaveLength(1);
  });

  it('refuses a spent token when the key was used with another body', async () => {
    const { deps } = fakes({ turnstile: [{ ok: true }, { ok: false, kind: 'refused', codes: ['timeout-or-duplicate'] }] });
    await acceptSubmission(guarded('token-1'), deps);
    const other = input({
      formId: 'guarded',
      idempotencyKey: KEY,
      body: JSON.stringify({ fields: { name: 'Grace', email: 'g@example.com' }, meta: { turnstile: 't' } }),
    });
    const error = refusal(await acceptSubmission(other, deps));
    expect([error.code, error.status]).toEqual(['captcha_failed', 403]);
    expect(error.message).toContain('timeout-or-duplicate');
  });

  it('asks Cloudflare with the secret, the address and the key', async () => {
    const { deps, questions } = fakes();
    await acceptSubmission(guarded('token-1', { clientIp: '203.0.113.7' }), deps);
    expect(questions).toEqual([{ token: 'token-1', secret: 'the-secret', remoteIp: '203.0.113.7', idempotencyKey: KEY }]);
  });

  it('answers 503 with Retry-After when the secret is not set, without asking Cloudflare', async () => {
    const { deps, calls } = fakes({ secret: '' });
    const error = refusal(await acceptSubmission(guarded('token-1'), deps));
    expect([error.code, error.status, error.extra.retryAfterSeconds]).toEqual(['captcha_unavailable', 503, 60]);
    expect(calls).toEqual([]);
  });

  it('answers 503 with a short Retry-After when Cloudflare cannot be asked', async () => {
    const { deps } = fakes({ turnstile: [{ ok: false, kind: 'unavailable', reason: 'TimeoutError' }] });
    const error = refusal(await acceptSubmission(guarded('token-1'), deps));
    expect([error.code, error.status, error.extra.retryAfterSeconds]).toEqual(['captcha_unavailable', 503, 5]);
  });
});

describe('acceptSubmission: rate limits and the outbox', () => {
  it('stops at the per-address limit without spending the per-form bucket, and says when to retry', async () => {
    const { deps, rateKeys } = fakes({ refuseRate: ['ip:203.0.113.7'] });
    const error = refusal(await acceptSubmission(input({ clientIp: '203.0.113.7' }), deps));
    expect([error.code, error.status, error.extra.retryAfterSeconds]).toEqual(['rate_limited', 429, 2]);
    expect(error.message).toContain('this address');
    expect(rateKeys).toEqual(['ip:203.0.113.7']);
  });

  it('takes only the per-form limit when the address is unknown', async () => {
    const { deps, rateKeys } = fakes({ refuseRate: ['form:contact'] });
    expect(refusal(await acceptSubmission(input(), deps)).message).toContain('this form');
    expect(rateKeys).toEqual(['form:contact']);
  });

  it('answers a retry with the same key and body with the first id, not handing it on again', async () => {
    const { deps, calls } = fakes();
    await acceptSubmission(input({ idempotencyKey: 'k1' }), deps);
    calls.length = 0;
    const again = await acceptSubmission(input({ idempotencyKey: 'k1' }), deps);
    expect(again).toMatchObject({ ok: true, value: { id: 'lead-1', outcome: 'replayed' } });
    expect(calls).not.toContain('onAccepted inbox');
  });

  it('refuses the same key with another body with 409', async () => {
    const { deps, calls } = fakes();
    await acceptSubmission(input({ idempotencyKey: 'k1' }), deps);
    calls.length = 0;
    const other = input({ idempotencyKey: 'k1', body: JSON.stringify({ ...valid, fields: { ...valid.fields, name: 'Grace' } }) });
    expect(refusal(await acceptSubmission(other, deps))).toMatchObject({ code: 'idempotency_conflict', status: 409 });
    expect(calls.filter((call) => call.startsWith('log') || call.startsWith('onAccepted'))).toEqual([]);
  });

  it('ends with an internal_error carrying the cause when a dependency throws, keeping the CORS origin', async () => {
    const { deps } = fakes();
    const cause = new Error('disk full');
    deps.outbox.accept = async () => {
      throw cause;
    };
    const outcome = await acceptSubmission(input({ origin: 'https://shop.example' }), deps);
    const error = refusal(outcome);
    expect([error.code, error.status, error.extra.cause]).toEqual(['internal_error', 500, cause]);
    expect(outcome.corsOrigin).toBe('https://shop.example');
  });

  it('answers a refusal a dependency throws as that refusal', async () => {
    const { deps } = fakes();
    const unavailable = new RelayError('storage_unavailable', 503, 'The outbox cannot be reached; try again.', { retryAfterSeconds: 3 });
    deps.rateLimiter.take = async () => {
      throw unavailable;
    };
    expect(refusal(await acceptSubmission(input(), deps))).toBe(unavailable);
  });
});

describe('acceptSubmission: a plain HTML form post', () => {
  const post = (body: string, extra: Partial<SubmissionInput> = {}) =>
    input({ contentType: 'application/x-www-form-urlencoded; charset=UTF-8', body, ...extra });

  it('stores the form fields, a ticked box as true, and sends the visitor back marked', async () => {
    const { deps, stored } = fakes();
    const outcome = await acceptSubmission(
      post('name=Ada&email=ada%40example.com&news=on&_hp=&_fill_ms=5000', { referer: 'https://shop.example/contact?x=1' }),
      deps,
    );
    expect(outcome.ok && outcome.value.answer).toEqual({ status: 303, location: 'https://shop.example/contact?x=1&leadform=sent' });
    expect(stored[0]?.lead.fields).toEqual({ name: 'Ada', email: 'ada@example.com', news: true });
  });

  it('sends a bot on the same way, so it cannot tell it was dropped', async () => {
    const { deps, stored } = fakes();
    const outcome = await acceptSubmission(post('name=Ada&email=ada%40example.com&_hp=bot'), deps);
    expect(outcome.ok && outcome.value).toMatchObject({ outcome: 'dropped', answer: { status: 303, location: 'https://relay.example/?leadform=sent' } });
    expect(stored).toEqual([]);
  });

  it("goes to the form's thank-you page as configured, unmarked", async () => {
    const { deps } = fakes();
    const outcome = await acceptSubmission(post('name=Ada&email=ada%40example.com', { formId: 'thanks', referer: 'https://shop.example/c' }), deps);
    expect(outcome.ok && outcome.value.answer).toEqual({ status: 303, location: 'https://shop.example/thanks' });
  });
});
