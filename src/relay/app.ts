/**
 * The relay core: one Web-standard fetch handler (a Hono app). Everything that differs between
 * runtimes (the outbox store, the widget's files, the clock, ids, logging) is passed in, so the
 * same core runs on Node, on Cloudflare Workers and in tests through `app.request(...)`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Lead } from '../destinations/types.ts';
import { validateSubmission } from '../schema/submission.ts';
import { type FormConfig, publicDefinition, type RelayConfig } from './config.ts';
import { embedPage } from './embed-page.ts';
import { RelayError } from './errors.ts';
import { type Log, silentLog } from './log.ts';
import type { Outbox } from './outbox.ts';

export interface RelayDeps {
  config: RelayConfig;
  outbox: Outbox;
  /** Serves a built widget file (`leadform.js`, `form.js`, …) or null when there is none. */
  widgetAsset?: (file: string) => Promise<Response | null>;
  /** @default Date.now */
  now?: () => number;
  /** @default crypto.randomUUID */
  newId?: () => string;
  /** @default silent */
  log?: Log;
  /** Called after a lead is stored, so the runtime can start delivering it at once. */
  onAccepted?: (destination: string) => void;
  /** @default 65536 */
  maxBodyBytes?: number;
}

type Env = { Variables: { requestStarted: number } };

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

export function createRelay(deps: RelayDeps): Hono<Env> {
  const { config, outbox } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const log = deps.log ?? silentLog;
  const maxBodyBytes = deps.maxBodyBytes ?? 65_536;
  const definitions = new Map(
    Object.entries(config.forms).map(([id, form]) => [id, JSON.stringify(publicDefinition(id, form))]),
  );
  const etags = new Map<string, Promise<string>>();

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
    log('relay.error', { path: c.req.path, error: error instanceof Error ? error.name : 'unknown' });
    console.error(error);
    return c.json({ error: 'internal_error', message: 'The relay failed to handle this request; nothing was stored.' }, 500);
  });
  app.notFound((c) => c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` }, 404));

  app.get('/healthz', async (c) => {
    const stats = await outbox.stats();
    const oldestPendingAgeMs = stats.oldestPendingAt === null ? null : now() - stats.oldestPendingAt;
    return c.json({ status: 'ok', outbox: { ...stats, oldestPendingAgeMs } });
  });

  app.get('/v1/leadform.js', (c) => serveAsset(c, 'leadform.js'));
  app.get('/v1/widget/:file{[A-Za-z0-9._-]+\\.(js|css|map)}', (c) => serveAsset(c, c.req.param('file')));

  app.get('/v1/forms/:formId/embed', (c) => embedPage(c.req.param('formId'), config.forms[c.req.param('formId')], c.req.raw));

  app.get('/v1/forms/:formId', async (c) => {
    const formId = c.req.param('formId');
    const definition = definitions.get(formId);
    if (definition === undefined) throw unknownForm(formId);
    let etag = etags.get(formId);
    if (!etag) etags.set(formId, (etag = sha256(definition).then((hash) => `"${hash.slice(0, 32)}"`)));
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
      throw new RelayError('unsupported_media_type', 415, `Send the submission as ${JSON_TYPE} (or ${FORM_TYPE} from an HTML form); got "${contentType || 'no Content-Type'}".`);
    }
    const raw = await readBody(c.req.raw, maxBodyBytes);
    const isHtmlForm = contentType === FORM_TYPE;
    const body = isHtmlForm ? fromFormEncoded(raw, form) : parseJson(raw);

    const idempotencyKey = c.req.header('Idempotency-Key') ?? null;
    if (idempotencyKey !== null && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new RelayError('bad_json', 400, 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.');
    }

    const result = validateSubmission({ id: formId, ...form }, body);
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

    const lead: Lead = {
      id,
      formId,
      receivedAt: new Date(now()).toISOString(),
      fields,
      ...(attribution ? { attribution } : {}),
      ...(meta?.page ? { page: meta.page } : {}),
      ...(meta?.locale ? { locale: meta.locale } : {}),
    };
    const stored = await outbox.accept({
      lead,
      destination: form.destination,
      idempotencyKey,
      bodyHash: await sha256(raw),
    });
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
    if (stored.kind === 'stored') deps.onAccepted?.(form.destination);
    return answer(c, form, isHtmlForm, stored.id);
  });

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
    return response;
  }

  return app;
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
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > limit) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
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

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new RelayError('bad_json', 400, `The body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A form post from a page without JavaScript: every input is a field, except the names that carry
 * the submission's meta (`_hp` for the honeypot, `_fill_ms`); a ticked checkbox arrives as true.
 */
function fromFormEncoded(raw: string, form: FormConfig): unknown {
  const boxes = new Set(form.fields.filter((f) => f.type === 'checkbox' || f.type === 'consent').map((f) => f.name));
  const params = new URLSearchParams(raw);
  const fields: Record<string, string | boolean> = {};
  const meta: Record<string, string | number> = {};
  for (const [key, value] of params) {
    if (key === '_hp') meta.hp = value;
    else if (key === '_fill_ms' && /^\d{1,9}$/.test(value)) meta.fillMs = Number(value);
    else if (!key.startsWith('_')) fields[key] = boxes.has(key) ? value !== '' : value;
  }
  return { fields, meta };
}

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
