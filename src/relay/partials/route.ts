import { Hono } from 'hono';
import type { Lead } from '../../schema/lead.ts';
import type { SubmissionInput } from '../accept/index.ts';
import { arrivingBody, readBody } from '../accept/body.ts';
import { JSON_TYPE, mediaType } from '../accept/content-type.ts';
import { findLiveForm } from '../accept/form.ts';
import { allowedOrigin, corsHeaders, preflightHeaders } from '../accept/origin.ts';
import { readPhones } from '../accept/phone.ts';
import { tooMany } from '../accept/rate.ts';
import { validSubmission } from '../accept/schema.ts';
import type { RelayConfig } from '../config.ts';
import type { FormLookup, LiveForm } from '../forms/catalog.ts';
import { internalError, passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { Log } from '../log.ts';
import type { Outbox } from '../outbox.ts';
import { addressKey, type RateLimiter } from '../rate-limit.ts';
import { partialProblems, relaxedDefinition } from './checks.ts';
import type { PartialStore } from './store.ts';

export interface PartialDeps {
  config: Pick<RelayConfig, 'limits'>;
  /** The forms, file and store alike (the accept path's lookup). */
  forms: FormLookup;
  partials: PartialStore;
  /** Asked whether the final submission is stored already: a partial arriving after it is not kept. */
  outbox: Pick<Outbox, 'findByIdempotencyKey'>;
  now: () => number;
  newId: () => string;
  rateLimiter: RateLimiter;
  log: Log;
  /** @default the configuration's `limits.maxBodyBytes` */
  maxBodyBytes?: number;
}

/** What a kept partial is answered with: `kept` false when its key was completed or promoted already (nothing changed). */
export interface PartialAnswer {
  kept: boolean;
}

export type PartialOutcome = Refusable<PartialAnswer> & { corsOrigin: string | null };

/**
 * An address's budget for partials: three times its budget for submissions, in the same window,
 * since one visitor's form sends a partial each time more of it is filled.
 */
export function partialRule(limits: RelayConfig['limits']): RelayConfig['limits']['perIp'] {
  return { ...limits.perIp, requests: limits.perIp.requests * 3 };
}

/** Runs every check in order and never throws: a dependency that throws is an `internal_error`. */
export async function acceptPartial(input: SubmissionInput, deps: PartialDeps): Promise<PartialOutcome> {
  let corsOrigin: string | null = null;
  try {
    const form = findLiveForm(deps.forms, input.formId);
    if (!form.ok) return { ...form, corsOrigin };
    if (form.value.config.partials !== true) {
      return {
        ...refused(new RelayError('not_found', 404, `Form "${input.formId.slice(0, 64)}" keeps no partials; set "partials": true on it to keep them.`)),
        corsOrigin,
      };
    }
    const origin = allowedOrigin(form.value.config, input);
    if (!origin.ok) return { ...origin, corsOrigin };
    corsOrigin = origin.value;
    return { ...(await checkedPartial(form.value, input, deps)), corsOrigin };
  } catch (cause) {
    return { ok: false, error: cause instanceof RelayError ? cause : internalError(cause), corsOrigin };
  }
}

async function checkedPartial(live: LiveForm, input: SubmissionInput, deps: PartialDeps): Promise<Refusable<PartialAnswer>> {
  const { formId } = input;
  const form = live.config;
  const { limits } = deps.config;
  if (input.clientIp) {
    const rule = partialRule(limits);
    const decision = await deps.rateLimiter.take(`partial-ip:${addressKey(input.clientIp)}`, rule);
    if (!decision.ok) return refused(tooMany('this address', rule, decision.retryAfterMs, 'partial leads'));
  }
  const type = mediaType(input.contentType);
  if (type !== JSON_TYPE) {
    return refused(new RelayError('unsupported_media_type', 415, `Send the partial as ${JSON_TYPE}; got "${type || 'no Content-Type'}".`));
  }
  const raw = await readBody(input.body, deps.maxBodyBytes ?? limits.maxBodyBytes);
  if (!raw.ok) return raw;
  let body: unknown;
  try {
    body = JSON.parse(raw.value);
  } catch (error) {
    return refused(new RelayError('bad_json', 400, `The body is not valid JSON: ${(error as Error).message}`, { cause: error }));
  }
  const key = input.idempotencyKey;
  if (key === null || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    return refused(
      new RelayError('bad_request', 400, 'A partial needs the Idempotency-Key its final submission will carry: 1 to 255 visible ASCII characters.'),
    );
  }
  const submission = validSubmission(relaxedDefinition(live.definition), body);
  if (!submission.ok) return submission;
  const withPhones = readPhones(form.fields, submission.value);
  if (!withPhones.ok) return withPhones;
  const problems = partialProblems(form, formId, withPhones.value);
  if (!problems.ok) return problems;
  // A bot's partial (the honeypot filled) is answered as kept and kept nowhere.
  if (withPhones.value.meta?.hp) return passed({ kept: true });
  if (await deps.outbox.findByIdempotencyKey(formId, key)) return passed({ kept: false });

  const now = deps.now();
  const { fields, phones, attribution, meta } = withPhones.value;
  const lead: Lead = {
    id: deps.newId(),
    formId,
    receivedAt: new Date(now).toISOString(),
    fields,
    ...(phones ? { phones } : {}),
    ...(attribution ? { attribution } : {}),
    ...(meta?.page ? { page: meta.page } : {}),
    ...(meta?.locale ? { locale: meta.locale } : {}),
    partial: true,
  };
  const saved = await deps.partials.save({ formId, key, lead, now, dueAt: now + form.partialAfterMinutes * 60_000 });
  deps.log('partial.saved', { form: formId, kept: saved.kind === 'saved' });
  return passed({ kept: saved.kind === 'saved' });
}

/**
 * The partials route and its preflight. Mounted on the relay's app (app.ts), whose error handler
 * answers what they throw with `{error, message, issues?}`, as every refusal is, keeping the CORS
 * headers already set.
 */
export function partialRoutes(deps: PartialDeps & { clientIp?: ((request: Request, env: unknown) => string | null | undefined) | undefined }): Hono {
  const app = new Hono();
  app.options('/v1/forms/:formId/partials', (c) => {
    const headers = preflightHeaders(deps.forms, { formId: c.req.param('formId'), origin: c.req.header('Origin') ?? null, url: c.req.url });
    if (!headers.ok) throw headers.error;
    return c.body(null, 204, headers.value);
  });
  app.post('/v1/forms/:formId/partials', async (c) => {
    const request = c.req.raw;
    const outcome = await acceptPartial(
      {
        formId: c.req.param('formId'),
        url: c.req.url,
        origin: c.req.header('Origin') ?? null,
        contentType: c.req.header('Content-Type') ?? null,
        body: arrivingBody(request),
        idempotencyKey: c.req.header('Idempotency-Key') ?? null,
        referer: null,
        clientIp: deps.clientIp?.(request, c.env) ?? null,
      },
      deps,
    );
    for (const [name, value] of Object.entries(corsHeaders(outcome.corsOrigin))) c.header(name, value);
    if (!outcome.ok) throw outcome.error;
    return c.json(outcome.value, 202);
  });
  return app;
}
