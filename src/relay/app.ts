/**
 * The relay core: one Web-standard fetch handler (a Hono app). Everything that differs between
 * runtimes (the outbox store, the widget's files, the clock, ids, outbound fetch, secrets, the
 * rate limiter, logging) is passed in, so the same core runs on Node, on Cloudflare Workers and
 * in tests through `app.request(...)`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Lead } from '../schema/lead.ts';
import { validateSubmission } from '../schema/submission.ts';
import type { FormDefinition } from '../schema/form.ts';
import { adminRoutes } from './admin.ts';
import { type FormConfig, publicDefinition, type RelayConfig } from './config.ts';
import { embedPage } from './embed-page.ts';
import { RelayError } from './errors.ts';
import { type Log, silentLog } from './log.ts';
import type { RelayOutbox } from './outbox.ts';
import { memoryRateLimiter, type RateLimiter } from './rate-limit.ts';
import { TURNSTILE_VERIFY_URL, verifyTurnstile } from './turnstile.ts';

export interface RelayDeps {
  config: RelayConfig;
  outbox: RelayOutbox;
  /** Serves a built widget file (`leadform.js`, `form.js`, …) or null when there is none. */
  widgetAsset?: (file: string) => Promise<Response | null>;
  /** @default Date.now */
  now?: () => number;
  /** @default crypto.randomUUID */
  newId?: () => string;
  /** @default silent */
  log?: Log;
  /** Called after a lead is stored, so the runtime can start delivering it at once. */
  onAccepted?: (destination: string) => unknown;
  /** @default the configuration's `limits.maxBodyBytes` */
  maxBodyBytes?: number;
  /**
   * Reads a secret (the Turnstile secret key) by the environment variable the configuration names.
   * @default no secrets (a form with Turnstile then answers 503)
   */
  secret?: (name: string) => string | undefined;
  /** Counts submissions per IP address and per form. @default buckets in this process's memory */
  rateLimiter?: RateLimiter;
  /**
   * The visitor's IP address as the runtime knows it (the socket on Node, `CF-Connecting-IP` on
   * Workers), for the per-IP limit and Turnstile. Null skips the per-IP limit.
   * @default no address
   */
  clientIp?: (request: Request, env: unknown) => string | null | undefined;
  /** Outbound fetch, for Turnstile's siteverify. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default Cloudflare's siteverify endpoint */
  turnstileVerifyUrl?: string;
  /** The admin API's bearer token; unset disables the admin API. @default undefined */
  adminToken?: string | undefined;
  /**
   * SHA-256 as lowercase hex, for Idempotency-Key body checks and ETags. Node passes its native
   * hash: Web Crypto's asynchronous digest costs more than the rest of the accept path there.
   * @default Web Crypto
   */
  sha256?: (text: string) => string | Promise<string>;
  /** Serves the built admin page's files (`index.html`, …) or null when there is none. */
  adminAsset?: (file: string) => Promise<Response | null>;
}

type Env = { Variables: { requestStarted: number } };

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

export function createRelay(deps: RelayDeps): Hono<Env> {
  const { config, outbox } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const log = deps.log ?? silentLog;
  const maxBodyBytes = deps.maxBodyBytes ?? config.limits.maxBodyBytes;
  const rateLimiter = deps.rateLimiter ?? memoryRateLimiter({ now });
  const hash = deps.sha256 ?? sha256;
  const definitions = new Map(Object.entries(config.forms).map(([id, form]) => [id, JSON.stringify(publicDefinition(id, form))]));
  // One definition object per form, so the submission schema built from it is cached.
  const validationForms = new Map<string, FormDefinition>(Object.entries(config.forms).map(([id, form]) => [id, { id, ...form }]));
  const etags = new Map<string, Promise<string>>();
  // One rule for every page the script is on: a page without a form cannot know which form the
  // visitor will fill, so one form asking for consent makes the whole relay ask.
  const consentRequired = Object.values(config.forms).some((form) => form.requireConsent);

  const app = new Hono<Env>();
  app.use('*', async (c, next) => {
    c.set('requestStarted', now());
    await next();
  });

  app.onError((error, c) => {
    if (error instanceof RelayError) {
      if (error.extra.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.extra.retryAfterSeconds));
      return c.json(error.toJSON(), error.status);
    }
    // The name and message only: a stack or a cause could quote a request's data.
    log('relay.error', {
      path: c.req.path,
      error: error instanceof Error ? error.name : 'unknown',
      message: error instanceof Error ? error.message.slice(0, 200) : null,
    });
    return c.json({ error: 'internal_error', message: 'The relay failed to handle this request; nothing was stored.' }, 500);
  });
  app.notFound((c) => c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` }, 404));

  app.get('/healthz', async (c) => {
    const stats = await outbox.stats();
    const oldestPendingAgeMs = stats.oldestPendingAt === null ? null : now() - stats.oldestPendingAt;
    return c.json({ status: 'ok', outbox: { ...stats, oldestPendingAgeMs } });
  });

  app.route('/', adminRoutes({ config, outbox, now, log, token: deps.adminToken, asset: deps.adminAsset }));

  app.get('/v1/leadform.js', (c) => serveAsset(c, 'leadform.js'));
  app.get('/v1/widget/:file{[A-Za-z0-9._-]+\\.(js|css|map)}', (c) => serveAsset(c, c.req.param('file')));

  app.get('/v1/forms/:formId/embed', (c) => embedPage(c.req.param('formId'), config.forms[c.req.param('formId')], c.req.raw));

  app.get('/v1/forms/:formId', async (c) => {
    const formId = c.req.param('formId');
    const definition = definitions.get(formId);
    if (definition === undefined) throw unknownForm(formId);
    let etag = etags.get(formId);
    if (!etag) etags.set(formId, (etag = Promise.resolve(hash(definition)).then((hex) => `"${hex.slice(0, 32)}"`)));
    const tag = await etag;
    c.header('ETag', tag);
    c.header('Cache-Control', 'public, max-age=60, stale-while-revalidate=600');
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.header('If-None-Match') === tag) return c.body(null, 304);
    return c.body(definition, 200, { 'Content-Type': `${JSON_TYPE}; charset=utf-8` });
  });

  app.options('/v1/forms/:formId/submissions', (c) => {
    const form = formOr404(c.req.param('formId'));
    const origin = allowedOrigin(c, form);
    corsHeaders(c, origin);
    c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
    c.header('Access-Control-Allow-Headers', 'Content-Type, Idempotency-Key');
    c.header('Access-Control-Max-Age', '600');
    return c.body(null, 204);
  });

  app.post('/v1/forms/:formId/submissions', async (c) => {
    const formId = c.req.param('formId');
    const form = formOr404(formId);
    corsHeaders(c, allowedOrigin(c, form));

    const contentType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== JSON_TYPE && contentType !== FORM_TYPE) {
      throw new RelayError(
        'unsupported_media_type',
        415,
        `Send the submission as ${JSON_TYPE} (or ${FORM_TYPE} from an HTML form); got "${contentType || 'no Content-Type'}".`,
      );
    }
    const raw = await readBody(c.req.raw, maxBodyBytes);
    const isHtmlForm = contentType === FORM_TYPE;
    const body = isHtmlForm ? fromFormEncoded(raw, form) : parseJson(raw);

    const idempotencyKey = c.req.header('Idempotency-Key') ?? null;
    if (idempotencyKey !== null && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new RelayError('bad_request', 400, 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.');
    }

    const result = validateSubmission(validationForms.get(formId)!, body);
    if (!result.ok) {
      throw new RelayError('validation_failed', 422, `The submission has ${result.issues.length} invalid value(s); see issues.`, { issues: result.issues });
    }
    const { fields, attribution, meta } = result.submission;

    const id = newId();
    // Bots fill the hidden honeypot or submit faster than a person can: answer as if accepted,
    // so they learn nothing, and store nothing.
    const tooFast = meta?.fillMs !== undefined && meta.fillMs < form.minFillMs;
    if ((meta?.hp ?? '') !== '' || tooFast) {
      log('submission.dropped', { form: formId, reason: tooFast ? 'fill_time' : 'honeypot' });
      return answer(c, form, isHtmlForm, id);
    }

    // A retry of one submission may carry a fresh Turnstile token (a token is good once), so the
    // token is left out of what makes two bodies "the same" for the Idempotency-Key.
    const { turnstile: _token, ...stableMeta } = meta ?? {};
    const bodyHash = await hash(JSON.stringify({ fields, attribution, meta: stableMeta }));
    const ip = deps.clientIp?.(c.req.raw, c.env) ?? null;
    if (form.turnstile) {
      const replayed = await checkTurnstile(form.turnstile, formId, meta?.turnstile, ip, idempotencyKey, bodyHash);
      if (replayed) return answer(c, form, isHtmlForm, replayed);
    }

    if (ip) await limit(`ip:${ip}`, config.limits.perIp, 'this address');
    await limit(`form:${formId}`, form.rateLimit ?? config.limits.perForm, 'this form');

    const lead: Lead = {
      id,
      formId,
      receivedAt: new Date(now()).toISOString(),
      fields,
      ...(attribution ? { attribution } : {}),
      ...(meta?.page ? { page: meta.page } : {}),
      ...(meta?.locale ? { locale: meta.locale } : {}),
    };
    const stored = await outbox.accept({ lead, destination: form.destination, idempotencyKey, bodyHash });
    if (stored.kind === 'conflict') {
      throw new RelayError('idempotency_conflict', 409, 'This Idempotency-Key was already used with a different body; use a new key for a new submission.');
    }
    log('submission.accepted', {
      id: stored.id,
      form: formId,
      destination: form.destination,
      replayed: stored.kind === 'replayed',
      ms: now() - c.get('requestStarted'),
    });
    if (stored.kind === 'stored') await deps.onAccepted?.(form.destination);
    return answer(c, form, isHtmlForm, stored.id);
  });

  /**
   * Checks the Turnstile token with Cloudflare. A token is good once: when the widget retries a
   * submission whose 202 it never received, Cloudflare answers `timeout-or-duplicate`; if that
   * same key and body were stored, the retry gets the first id back (returned here) instead of
   * a refusal for a lead that is in fact safe.
   */
  async function checkTurnstile(
    turnstile: NonNullable<FormConfig['turnstile']>,
    formId: string,
    token: string | undefined,
    ip: string | null,
    idempotencyKey: string | null,
    bodyHash: string,
  ): Promise<string | null> {
    if (!token) {
      throw new RelayError(
        'captcha_failed',
        403,
        'This form needs a Turnstile token in meta.turnstile (the cf-turnstile-response field); let the challenge finish, then send again.',
      );
    }
    const secret = deps.secret?.(turnstile.secretEnv);
    if (!secret)
      throw new RelayError('captcha_unavailable', 503, `The relay cannot check Turnstile: ${turnstile.secretEnv} is not set.`, { retryAfterSeconds: 60 });
    const verdict = await verifyTurnstile({
      token,
      secret,
      remoteIp: ip,
      idempotencyKey,
      // Bound: on Workers, fetch called as a method of another object throws "Illegal invocation".
      fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
      verifyUrl: deps.turnstileVerifyUrl ?? TURNSTILE_VERIFY_URL,
    });
    if (verdict.ok) return null;
    if (verdict.kind === 'unavailable') {
      log('turnstile.unavailable', { form: formId, reason: verdict.reason });
      throw new RelayError('captcha_unavailable', 503, 'Turnstile could not be checked just now; send the submission again in a few seconds.', {
        retryAfterSeconds: 5,
      });
    }
    if (idempotencyKey !== null && verdict.codes.includes('timeout-or-duplicate')) {
      const earlier = await outbox.findByIdempotencyKey(formId, idempotencyKey);
      if (earlier?.bodyHash === bodyHash) return earlier.id;
    }
    log('submission.captcha_failed', { form: formId, codes: verdict.codes.join(',') });
    throw new RelayError(
      'captcha_failed',
      403,
      `Turnstile refused the token (${verdict.codes.join(', ') || 'no reason given'}); complete the challenge again, then send.`,
    );
  }

  async function limit(key: string, rule: RelayConfig['limits']['perIp'], who: string): Promise<void> {
    const decision = await rateLimiter.take(key, rule);
    if (decision.ok) return;
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new RelayError(
      'rate_limited',
      429,
      `Too many submissions from ${who} (at most ${rule.requests} per ${rule.perSeconds} s); try again in ${seconds} s.`,
      { retryAfterSeconds: seconds },
    );
  }

  function formOr404(formId: string): FormConfig {
    const form = config.forms[formId];
    if (!form) throw unknownForm(formId);
    return form;
  }

  function allowedOrigin(c: Context<Env>, form: FormConfig): string | null {
    const origin = c.req.header('Origin');
    // No Origin: not a browser (or a same-origin GET); the allowlist guards browsers only.
    if (origin === undefined) return null;
    const self = new URL(c.req.url).origin;
    const allowed = form.allowedOrigins.some((entry) => entry === '*' || entry === origin || (entry === 'self' && origin === self));
    if (!allowed) {
      throw new RelayError('origin_not_allowed', 403, `Origin ${origin} may not submit this form; add it to forms.${c.req.param('formId')}.allowedOrigins.`);
    }
    return origin;
  }

  function corsHeaders(c: Context<Env>, origin: string | null): void {
    if (origin === null) return;
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', 'Retry-After');
    c.header('Vary', 'Origin');
  }

  async function serveAsset(c: Context<Env>, file: string): Promise<Response> {
    const response = await deps.widgetAsset?.(file);
    if (!response) return c.json({ error: 'not_found', message: `The widget file ${file} is not built; run npm run build.` }, 404);
    return file === 'attribution.js' && consentRequired ? attributionWithConsent(response) : response;
  }

  return app;
}

/**
 * The attribution capture module with the configuration's consent rule appended (see
 * `LEADFORM_CONSENT_REQUIRED` in widget/attribution.ts): a module-level `var`, assigned before the loader
 * calls into the module.
 */
async function attributionWithConsent(response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.delete('Content-Length');
  return new Response(`${await response.text()}\nvar LEADFORM_CONSENT_REQUIRED = true;\n`, { status: response.status, headers });
}

function answer(c: Context<Env>, form: FormConfig, isHtmlForm: boolean, id: string) {
  if (isHtmlForm) {
    // A plain HTML form (no JavaScript): send the visitor on, to the thank-you page if there is one.
    const back = form.redirectUrl ?? c.req.header('Referer') ?? '/';
    const target = new URL(back, c.req.url);
    if (!form.redirectUrl) target.searchParams.set('leadform', 'sent');
    return c.redirect(target.toString(), 303);
  }
  return c.json({ id }, 202);
}

function unknownForm(formId: string): RelayError {
  return new RelayError('unknown_form', 404, `There is no form "${formId.slice(0, 64)}"; check the form id in the embed snippet.`);
}

/** Reads the body, refusing as soon as it passes `limit` bytes rather than buffering it all. */
async function readBody(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new RelayError('too_large', 413, `The body is larger than ${limit} bytes.`);
  const declaredHeader = request.headers.get('Content-Length');
  const declared = Number(declaredHeader ?? '0');
  if (declared > limit) throw tooLarge();
  // HTTP framing stops a body at its declared length, so one within the limit can be read whole
  // (the runtime's fast path); only a chunked body is counted as it streams.
  if (declaredHeader !== null && Number.isInteger(declared)) return request.text();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await discardRest(reader, DISCARD_LIMIT);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * How much of an oversized chunked body is read and thrown away so that the client, still
 * sending, receives the 413 instead of a reset connection; past it the connection is cut.
 */
const DISCARD_LIMIT = 1_048_576;

async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  let discarded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    discarded += value.byteLength;
    if (discarded > limit) {
      await reader.cancel();
      return;
    }
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new RelayError('bad_json', 400, `The body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A form post from a page without JavaScript: every input is a field, except the names that carry
 * the submission's meta (`_hp` for the honeypot, `_fill_ms`, Turnstile's `cf-turnstile-response`);
 * a ticked checkbox arrives as true.
 */
function fromFormEncoded(raw: string, form: FormConfig): unknown {
  const boxes = new Set(form.fields.filter((f) => f.type === 'checkbox' || f.type === 'consent').map((f) => f.name));
  const params = new URLSearchParams(raw);
  const fields: Record<string, string | boolean> = {};
  const meta: Record<string, string | number> = {};
  for (const [key, value] of params) {
    if (key === '_hp') meta.hp = value;
    else if (key === '_fill_ms' && /^\d{1,9}$/.test(value)) meta.fillMs = Number(value);
    // The field Cloudflare's Turnstile widget adds to the form it sits in.
    else if (key === 'cf-turnstile-response') meta.turnstile = value;
    else if (!key.startsWith('_')) fields[key] = boxes.has(key) ? value !== '' : value;
  }
  return { fields, meta };
}

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
