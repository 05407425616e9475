/**
 * The relay core: one Web-standard fetch handler (a Hono app). Everything that differs between
 * runtimes (the outbox store, reading the built files, the clock, ids, outbound fetch, secrets,
 * the rate limiter, logging) is passed in, so the same core runs on Node, on Cloudflare Workers
 * and in tests through `app.request(...)`; what a served file's answer carries is decided here
 * (`assets.ts`), for every runtime. The accept path itself is `acceptSubmission`
 * (`accept/`), which knows no HTTP; its route here only turns a Request into its input and its
 * outcome into a Response.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { arrivingBody } from './accept/body.ts';
import { type AcceptDeps, type AcceptOutcome, acceptSubmission, type SubmissionInput } from './accept/index.ts';
import { JSON_TYPE } from './accept/content-type.ts';
import { unknownForm } from './accept/form.ts';
import { corsHeaders, preflightHeaders } from './accept/origin.ts';
import { adminRoutes } from './admin.ts';
import { type AssetBytes, assetResponse, negotiated, type ReadAsset, readServedAsset, serveAsset } from './assets.ts';
import { catalogueLanguage, catalogueOf } from './catalogues.ts';
import { publicDefinition, type RelayConfig } from './config.ts';
import { type FormCatalog, formCatalog, type LiveForm } from './forms/catalog.ts';
import { embedPage } from './embed-page.ts';
import { defaultInsight, eventRoutes, type InsightDeps } from './insight/routes.ts';
import { internalError, RelayError } from './errors.ts';
import { timeOrderedId } from './lead-id.ts';
import { type Log, silentLog } from './log.ts';
import type { OutboxStats, RelayOutbox } from './outbox.ts';
import { memoryRateLimiter, type RateLimiter } from './rate-limit.ts';
import { turnstileVerifier } from './turnstile.ts';
import { partialRoutes } from './partials/route.ts';
import type { PartialStore } from './partials/store.ts';

export interface RelayDeps {
  config: RelayConfig;
  outbox: RelayOutbox;
  /**
   * Every form the relay serves: the configuration file's and the store's (made in the builder),
   * through one lookup. Each runtime builds it with its store.
   * @default the configuration's forms alone (no builder)
   */
  forms?: FormCatalog;
  /**
   * Reads a built file by its path under the build (`widget/form.js`, `admin/index.html`), or null
   * when it is not built. Only the bytes: the core sets what the answer carries.
   * @default nothing built
   */
  readAsset?: ReadAsset;
  /** @default Date.now */
  now?: () => number;
  /** The id of each new lead. @default timeOrderedId (a version 7 UUID, see lead-id.ts) */
  newId?: () => string;
  /** @default silent */
  log?: Log;
  /** Called after a lead is stored, once per destination of its form, so the runtime can start delivering it at once. */
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
  /** The storage's own state (a file deleted under it, a full disk), which /healthz reports with a 503. @default always ok */
  health?: () => { status: 'ok' } | { status: 'degraded' | 'unavailable'; reason: string };
  /**
   * Where partial leads are kept (`POST /v1/forms/{id}/partials`, `GET /v1/admin/partials`).
   * @default none: the partials route answers 404
   */
  partials?: PartialStore;
  /**
   * Whether the accept path ends a form's partial after storing its final submission. A runtime
   * whose outbox does so in the lead's own transaction (Node) turns it off. @default true
   */
  completePartialsOnAccept?: boolean;
  /** Where funnel beacons are counted and the outbox's leads tallied (src/relay/insight/). @default counters in memory, leads by listing the outbox */
  insight?: InsightDeps;
}

type Env = { Variables: { requestStarted: number } };

/** How long a browser or CDN keeps a store form's definition: a publish reaches new page loads within 10 s (plus, on Workers, the isolate's copy). */
export const STORE_FORM_CACHE = 'public, max-age=10, stale-while-revalidate=60';

export function createRelay(deps: RelayDeps): Hono<Env> {
  const { config, outbox } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLog;
  const hash = deps.sha256 ?? sha256;
  const forms = deps.forms ?? formCatalog({ fileForms: config.forms, declaredDestinations: Object.keys(config.destinations) });
  /**
   * Each served version's public definition (with its `version`), and per language its variant
   * with the catalogue, and their ETags: built once per version, so a publish (a new `LiveForm`)
   * gets a new body and a new ETag, and an unchanged form costs no JSON work per request.
   */
  const served = new WeakMap<LiveForm, { json: string; localized: Map<string, string>; etags: Map<string, Promise<string>> }>();
  const servedOf = (form: LiveForm) => {
    let found = served.get(form);
    if (!found) {
      const definition = { ...publicDefinition(form.id, form.config), ...(form.version === null ? {} : { version: form.version }) };
      served.set(form, (found = { json: JSON.stringify(definition), localized: new Map(), etags: new Map() }));
    }
    return found;
  };
  // One rule for every page the script is on: a page without a form cannot know which form the
  // visitor will fill, so one form asking for consent makes the whole relay ask.
  let consent = { generation: -1, required: false };
  const consentRequired = () => {
    if (consent.generation !== forms.generation) {
      consent = { generation: forms.generation, required: forms.all().some((form) => form.config.requireConsent) };
    }
    return consent.required;
  };
  const accept: AcceptDeps = {
    config,
    forms,
    outbox,
    now,
    newId: deps.newId ?? (() => timeOrderedId(now())),
    sha256: hash,
    rateLimiter: deps.rateLimiter ?? memoryRateLimiter({ now }),
    verifyTurnstile: turnstileVerifier({ fetch: deps.fetch, verifyUrl: deps.turnstileVerifyUrl }),
    secret: (name) => deps.secret?.(name),
    log,
    maxBodyBytes: deps.maxBodyBytes ?? config.limits.maxBodyBytes,
    onAccepted: deps.onAccepted,
    ...(deps.partials && deps.completePartialsOnAccept !== false ? { partials: deps.partials } : {}),
  };
  const insight = deps.insight ?? defaultInsight(outbox, now);

  /** The answer to every refusal: `{error, message, issues?}` with its status, and when to retry. */
  function errorAnswer(c: Context<Env>, error: RelayError): Response {
    if (error.code === 'internal_error') {
      const { cause } = error.extra;
      // The name and message only: a stack or a cause could quote a request's data.
      log('relay.error', {
        path: c.req.path,
        error: cause instanceof Error ? cause.name : 'unknown',
        message: cause instanceof Error ? cause.message.slice(0, 200) : null,
      });
    }
    if (error.extra.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.extra.retryAfterSeconds));
    return c.json(error.toJSON(), error.status);
  }

  const app = new Hono<Env>();
  app.use('*', async (c, next) => {
    c.set('requestStarted', now());
    // A store read when the copy in memory is due (Workers: every few seconds; Node: at the first request).
    if (forms.stale()) await forms.refresh();
    await next();
  });

  app.onError((error, c) => errorAnswer(c, error instanceof RelayError ? error : internalError(error)));
  app.notFound((c) => c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` }, 404));

  app.get('/healthz', async (c) => {
    const storage = deps.health?.() ?? { status: 'ok' };
    if (storage.status !== 'ok') {
      // The depth is told when the store can still be read; the answer is 503 either way.
      const stats = await outbox.stats().catch(() => null);
      const depth = stats && { ...stats, oldestPendingAgeMs: stats.oldestPendingAt === null ? null : now() - stats.oldestPendingAt };
      return c.json({ status: storage.status, reason: storage.reason, ...(depth ? { outbox: depth } : {}) }, 503);
    }
    const [stats, byDestination] = await Promise.all([outbox.stats(), outbox.destinationStats()]);
    const ageOf = (at: number | null) => (at === null ? null : now() - at);
    // The totals as before, and the same figures per destination: every configured one, and any
    // other that still holds entries (one removed from the configuration with leads waiting).
    const destinations: Record<string, OutboxStats & { oldestPendingAgeMs: number | null }> = {};
    for (const name of new Set([...Object.keys(config.destinations), ...Object.keys(byDestination)])) {
      const each = byDestination[name] ?? { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null };
      destinations[name] = { ...each, oldestPendingAgeMs: ageOf(each.oldestPendingAt) };
    }
    return c.json({ status: 'ok', outbox: { ...stats, oldestPendingAgeMs: ageOf(stats.oldestPendingAt), destinations } });
  });

  // The admin page's files are answered in admin.ts from `serveAsset`, which knows no request:
  // the request's If-None-Match and Accept-Encoding are applied to them here.
  for (const page of ['/admin', '/admin/*']) {
    app.use(page, async (c, next) => {
      await next();
      const answer = await negotiated(c.req.raw, c.res, deps.readAsset);
      if (answer === c.res) return;
      c.res = undefined; // replaced whole: Hono would otherwise copy the unencoded answer's headers onto it
      c.res = answer;
    });
  }
  app.route(
    '/',
    adminRoutes({
      config,
      outbox,
      forms,
      secret: deps.secret,
      now,
      log,
      token: deps.adminToken,
      clientIp: deps.clientIp,
      asset: (file) => serveAsset(deps.readAsset, 'admin', file),
      partials: deps.partials,
      insight,
    }),
  );

  app.route('/', eventRoutes({ forms, counts: insight.counts, rateLimiter: accept.rateLimiter, clientIp: (request, env) => deps.clientIp?.(request, env) }));
  if (deps.partials) {
    const { partials } = deps;
    app.route(
      '/',
      partialRoutes({
        config,
        forms,
        partials,
        outbox,
        now,
        newId: accept.newId,
        rateLimiter: accept.rateLimiter,
        log,
        maxBodyBytes: accept.maxBodyBytes,
        clientIp: deps.clientIp,
      }),
    );
  }

  app.get('/v1/leadform.js', (c) => serveWidgetFile(c, 'leadform.js'));
  app.get('/v1/widget/:file{[A-Za-z0-9._-]+\\.(?:js|css|map)}', (c) => serveWidgetFile(c, c.req.param('file')));

  app.get('/v1/forms/:formId/embed', (c) => embedPage(c.req.param('formId'), forms.get(c.req.param('formId'))?.config, c.req.raw));

  app.get('/v1/forms/:formId', async (c) => {
    const formId = c.req.param('formId');
    const form = forms.get(formId);
    if (form === undefined) throw unknownForm(formId);
    const { json, localized, etags } = servedOf(form);
    let definition = json;
    // `?locale=` (the loader sends the page's language): the catalogue the form will show comes
    // along as `catalogue: {language, messages}`, so the widget asks for no locale chunk. Each
    // language is its own URL, so its own cache entry and ETag.
    const asked = c.req.query('locale');
    let key = formId;
    if (asked !== undefined) {
      const base = definition;
      // The form's own locale, as its public definition carries it, from the configuration rather than parsing that JSON on every request.
      const language = catalogueLanguage(form.config.locale, asked);
      key = `${formId}\n${language}`;
      let withWords = localized.get(key);
      if (withWords === undefined) {
        withWords = `${base.slice(0, -1)},"catalogue":${JSON.stringify({ language, messages: catalogueOf(language) })}}`;
        localized.set(key, withWords);
      }
      definition = withWords;
    }
    let etag = etags.get(key);
    if (!etag) etags.set(key, (etag = Promise.resolve(hash(definition)).then((hex) => `"${hex.slice(0, 32)}"`)));
    const tag = await etag;
    c.header('ETag', tag);
    // A store form changes without a deploy: a browser or CDN keeps it a shorter while.
    c.header('Cache-Control', form.source === 'store' ? STORE_FORM_CACHE : 'public, max-age=60, stale-while-revalidate=600');
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.header('If-None-Match') === tag) return c.body(null, 304);
    return c.body(definition, 200, { 'Content-Type': `${JSON_TYPE}; charset=utf-8` });
  });

  app.options('/v1/forms/:formId/submissions', (c) => {
    const headers = preflightHeaders(forms, { formId: c.req.param('formId'), origin: c.req.header('Origin') ?? null, url: c.req.url });
    return headers.ok ? c.body(null, 204, headers.value) : errorAnswer(c, headers.error);
  });

  app.post('/v1/forms/:formId/submissions', async (c) => submissionAnswer(c, await acceptSubmission(submissionInput(c), accept)));

  /** The request's facts the accept path reads; the body stays unread until its size is known. */
  function submissionInput(c: Context<Env>): SubmissionInput {
    const request = c.req.raw;
    return {
      formId: c.req.param('formId')!,
      url: c.req.url,
      origin: c.req.header('Origin') ?? null,
      contentType: c.req.header('Content-Type') ?? null,
      body: arrivingBody(request),
      idempotencyKey: c.req.header('Idempotency-Key') ?? null,
      referer: c.req.header('Referer') ?? null,
      clientIp: deps.clientIp?.(request, c.env) ?? null,
      startedAt: c.get('requestStarted'),
    };
  }

  function submissionAnswer(c: Context<Env>, outcome: AcceptOutcome): Response {
    for (const [name, value] of Object.entries(corsHeaders(outcome.corsOrigin))) c.header(name, value);
    if (!outcome.ok) return errorAnswer(c, outcome.error);
    const { answer } = outcome.value;
    return answer.status === 303 ? c.redirect(answer.location, 303) : c.json(answer.body, 202);
  }

  async function serveWidgetFile(c: Context<Env>, file: string): Promise<Response> {
    const body = await readServedAsset(deps.readAsset, 'widget', file);
    if (body === null) return c.json({ error: 'not_found', message: `The widget file ${file} is not built; run npm run build.` }, 404);
    // With the consent rule the bytes are not the built file's: their ETag and encodings follow them.
    const withConsent = file === 'attribution.js' && consentRequired();
    const served = await assetResponse(deps.readAsset, 'widget', file, withConsent ? withConsentRule(body) : body, { asBuilt: !withConsent });
    return negotiated(c.req.raw, served, deps.readAsset);
  }

  return app;
}

/**
 * The attribution capture module with the configuration's consent rule appended (see
 * `LEADFORM_CONSENT_REQUIRED` in widget/attribution.ts): a module-level `var`, assigned before the loader
 * calls into the module.
 */
function withConsentRule(module: AssetBytes): string {
  return `${typeof module === 'string' ? module : new TextDecoder().decode(module)}\nvar LEADFORM_CONSENT_REQUIRED = true;\n`;
}

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
