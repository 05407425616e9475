/**
 * The admin API and page: list submissions by delivery state, replay dead letters, and see each
 * form's embed snippets. Everything under `/v1/admin/` needs `Authorization: Bearer
 * $LEADFORM_ADMIN_TOKEN`; with no token configured the admin API is off (503) rather than open.
 * The page itself (`/admin`) holds no data and asks for the token in the browser.
 *
 * A request without the right token is logged (`admin.unauthorized`: the path and the client's
 * address, never what it sent), and an address that has failed `ADMIN_FAILURES.requests` times
 * within its window is answered 429 with Retry-After, whatever it sends, until the window lets it
 * try again.
 */
import { Hono } from 'hono';
import { arrivingBody, readBody } from './accept/body.ts';
import { adminFormsRoutes } from './admin-forms.ts';
import type { RateRule, RelayConfig } from './config.ts';
import { type InsightDeps, statsRoutes } from './insight/routes.ts';
import { RelayError } from './errors.ts';
import type { FormCatalog } from './forms/catalog.ts';
import type { Log } from './log.ts';
import { type DeliveryState, decodeCursor, entryId, type OutboxEntry, type RelayOutbox } from './outbox.ts';
import { partialAdminRoutes } from './partials/admin.ts';
import type { PartialStore } from './partials/store.ts';
import { addressKey, type Bucket, perMs, refilled, takeToken } from './rate-limit.ts';
import { cookieValue, SESSION_COOKIE, sameText, type SessionKeeper, sessionKeeper } from './session.ts';

/** The shortest admin token a runtime takes: a shorter one can be guessed against the API. Each runtime words its own fix. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

export interface AdminDeps {
  config: RelayConfig;
  outbox: RelayOutbox;
  now: () => number;
  log: Log;
  /** The funnel counters and the outbox's lead tally, for the stats route. */
  insight: InsightDeps;
  /** The bearer token; undefined or empty turns the admin API off. */
  token: string | undefined;
  asset?: ((file: string) => Promise<Response | null>) | undefined;
  /** The client's address as the runtime knows it, for the log and the failure limit. @default no address */
  clientIp?: ((request: Request, env: unknown) => string | null | undefined) | undefined;
  /** The forms, file and store alike. */
  forms: FormCatalog;
  /** Reads a secret by the environment variable a form names (its Turnstile secret), to check a store form. @default none set */
  secret?: ((name: string) => string | undefined) | undefined;
  /** Where partial leads are kept, for `GET /v1/admin/partials`. @default none (the route is absent) */
  partials?: PartialStore | undefined;
}

/** What the admin routes know of the request's sender: `session:<id>` through a cookie, `api token` through the bearer token. */
export type AdminEnv = { Variables: { actor: string } };

/** Where the admin page signs in (`POST`), finds its CSRF token again (`GET`) and signs out (`DELETE`). */
export const SESSION_PATH = '/v1/admin/session';
/** The most of a sign-in body read: `{"token": …}` with room to spare. */
const MAX_SIGN_IN_BYTES = 4096;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Failed authentications one address may make: 10, refilled over 10 minutes; past them it is
 * answered 429 until one more fits. A random token of 32 or more characters (the least a runtime
 * takes) is out of guessing's reach either way; this keeps a guesser from hammering the relay,
 * and the log says who tried.
 */
export const ADMIN_FAILURES: RateRule = { requests: 10, perSeconds: 600 };

/** The Content-Security-Policy of the admin page: its script and its fetches, the style element its script inserts, nothing else. */
export const ADMIN_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'dead'];

/** What the admin API shows of an entry, as the README's "Admin and operations" section lists it. */
export interface AdminSubmission {
  /** The entry's id: the lead's, or `<lead id>.<destination>` for a lead to several destinations. */
  id: string;
  /** The lead's id, as the visitor was answered (`202 {id}`). */
  leadId: string;
  form: string;
  destination: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  uncertain: boolean;
  createdAt: string;
  /** When a dead letter was last replayed. */
  replayedAt: string | null;
  nextAttemptAt: string | null;
  remoteId: string | null;
  /** Null once retention erased it. */
  lead: OutboxEntry['lead'];
}

export function adminRoutes(deps: AdminDeps): Hono<AdminEnv> {
  const { config, outbox, now, log } = deps;
  const app = new Hono<AdminEnv>();
  const gate = bearerGate(deps.token, { log, now });
  const sessions: SessionKeeper | null = deps.token ? sessionKeeper(deps.token, { now }) : null;
  const secure = (url: string) => new URL(url).protocol === 'https:';

  app.use('/v1/admin/*', async (c, next) => {
    if (!deps.token || !sessions) {
      throw new RelayError('admin_disabled', 503, 'The admin API is off; set LEADFORM_ADMIN_TOKEN to a long random value and restart the relay.');
    }
    c.header('Cache-Control', 'no-store');
    // Signing in and out carries no credential of its own: the routes below check the token sent.
    if (c.req.path === SESSION_PATH && c.req.method !== 'GET') return next();
    const authorization = c.req.header('Authorization');
    if (authorization === undefined) {
      const session = await sessions.read(c.req.header('Cookie'));
      if (session) {
        if (!READ_METHODS.has(c.req.method)) csrfCheck(c.req.raw, session.csrfToken);
        c.set('actor', `session:${session.id}`);
        return next();
      }
      // No credential at all (a signed-out admin page asking whether it has a session) is no
      // guess at the token: it is refused without counting toward the address's failure limit.
      if (!cookieValue(c.req.header('Cookie'), SESSION_COOKIE)) {
        log('admin.unauthorized', { path: c.req.path, address: deps.clientIp?.(c.req.raw, c.env) ?? null });
        c.header('WWW-Authenticate', 'Bearer realm="leadform admin"');
        throw new RelayError('unauthorized', 401, 'Send Authorization: Bearer <LEADFORM_ADMIN_TOKEN>, or sign in with POST /v1/admin/session.');
      }
    }
    const refusal = await gate.check(authorization, deps.clientIp?.(c.req.raw, c.env) ?? null, c.req.path);
    if (refusal) {
      if (refusal.status === 401) c.header('WWW-Authenticate', 'Bearer realm="leadform admin"');
      throw refusal;
    }
    c.set('actor', 'api token');
    await next();
  });
  if (deps.partials) app.route('/', partialAdminRoutes(deps.forms, deps.partials));

  /** The admin page's own origin: the one the request came to, or the configured public URL's. */
  const isOwnOrigin = (origin: string, url: string) => origin === new URL(url).origin || (!!config.publicUrl && origin === new URL(config.publicUrl).origin);

  /** A change through a cookie: the session's CSRF token, and the page's own origin when the browser names one. */
  function csrfCheck(request: Request, csrfToken: string): void {
    const origin = request.headers.get('Origin');
    if (origin !== null && !isOwnOrigin(origin, request.url)) {
      throw new RelayError('csrf', 403, `A change through the admin session must come from the admin page's own origin, not ${origin.slice(0, 100)}.`);
    }
    const sent = request.headers.get('X-CSRF-Token');
    if (!sent || !sameText(sent, csrfToken)) {
      throw new RelayError(
        'csrf',
        403,
        'A change through the admin session needs the X-CSRF-Token header the sign-in answered with (GET /v1/admin/session tells it again).',
      );
    }
  }

  /** Signs in: `{"token": "<LEADFORM_ADMIN_TOKEN>"}` → the session cookie and `{csrfToken, expiresAt}`. Wrong tokens count toward the address's failure limit. */
  app.post(SESSION_PATH, async (c) => {
    const origin = c.req.header('Origin');
    if (origin !== undefined && !isOwnOrigin(origin, c.req.url)) {
      throw new RelayError('csrf', 403, `Sign in from the admin page's own origin, not ${origin.slice(0, 100)}.`);
    }
    // A token is a few dozen bytes: the body is read no further than a few KB, however it is sent.
    const text = await readBody(arrivingBody(c.req.raw), MAX_SIGN_IN_BYTES);
    if (!text.ok) throw new RelayError('too_large', 413, `The body is over ${MAX_SIGN_IN_BYTES} bytes; send {"token": "<LEADFORM_ADMIN_TOKEN>"}.`);
    let body: unknown;
    try {
      body = JSON.parse(text.value);
    } catch {
      throw new RelayError('bad_json', 400, 'The body is not JSON; send {"token": "<LEADFORM_ADMIN_TOKEN>"}.');
    }
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
      throw new RelayError('bad_request', 400, 'Send {"token": "<LEADFORM_ADMIN_TOKEN>"}: the admin token as a string.');
    }
    const refusal = await gate.check(`Bearer ${token}`, deps.clientIp?.(c.req.raw, c.env) ?? null, c.req.path);
    if (refusal) {
      if (refusal.status === 401) throw new RelayError('unauthorized', 401, 'That is not the admin token (LEADFORM_ADMIN_TOKEN).');
      throw refusal;
    }
    const { session, cookie } = await sessions!.open();
    log('admin.signed_in', { session: session.id });
    c.header('Set-Cookie', sessions!.setCookie(cookie, secure(c.req.url)));
    return c.json({ csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() });
  });

  /** The session the cookie carries, for a page reloaded after signing in: its CSRF token again. */
  app.get(SESSION_PATH, async (c) => {
    const session = await sessions!.read(c.req.header('Cookie'));
    if (!session) throw new RelayError('unauthorized', 401, 'No admin session; sign in with POST /v1/admin/session.');
    return c.json({ csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() });
  });

  /** Signs out in this browser: the cookie is cleared. */
  app.delete(SESSION_PATH, (c) => {
    c.header('Set-Cookie', sessions!.clearCookie(secure(c.req.url)));
    return c.body(null, 204);
  });

  app.get('/v1/admin/submissions', async (c) => {
    const state = (c.req.query('state') ?? 'pending') as DeliveryState;
    if (!STATES.includes(state)) {
      throw new RelayError('bad_request', 400, `state must be one of ${STATES.join(', ')}; got "${state.slice(0, 32)}".`);
    }
    const limitParam = Number(c.req.query('limit') ?? 100);
    if (!Number.isInteger(limitParam) || limitParam < 1 || limitParam > 1000) {
      throw new RelayError('bad_request', 400, 'limit must be a whole number from 1 to 1000.');
    }
    const cursor = c.req.query('cursor');
    if (cursor !== undefined && decodeCursor(cursor) === null) {
      throw new RelayError('bad_request', 400, 'cursor is not one this list sent; follow the Link header of the page before, or leave it out.');
    }
    const page = await outbox.list(state, limitParam, cursor);
    // The next page, as RFC 8288 links it; the body stays the list itself.
    if (page.next !== null) {
      const next = new URLSearchParams({ state, limit: String(limitParam), cursor: page.next });
      c.header('Link', `</v1/admin/submissions?${next}>; rel="next"`);
    }
    return c.json(page.entries.map(toAdmin));
  });

  /**
   * The entries `id` names, as the list shows them: one entry by its own id, or every entry of the
   * lead `id` (one per destination). The admin page opens an alert's link (`/admin#submission=ID`) with it.
   */
  app.get('/v1/admin/submissions/:id', async (c) => {
    const id = c.req.param('id');
    const entries = await entriesNamed(id, undefined);
    if (entries.length === 0) throw new RelayError('not_found', 404, `There is no submission ${id.slice(0, 64)}.`);
    return c.json(entries.map(toAdmin));
  });

  /**
   * Replays dead letters: the entry `id` names (the lead's id for a lead to one destination, or
   * `<lead id>.<destination>`), or with `?destination=` that destination's entry of lead `id`, or,
   * given a lead's id alone, every dead entry of that lead.
   */
  app.post('/v1/admin/submissions/:id/replay', async (c) => {
    const id = c.req.param('id');
    const destination = c.req.query('destination');
    if (destination !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(destination)) {
      throw new RelayError('bad_request', 400, 'destination must be the name of a destination in the configuration.');
    }
    const entries = await entriesNamed(id, destination);
    if (entries.length === 0) {
      const which = destination === undefined ? '' : ` to destination ${destination}`;
      throw new RelayError('not_found', 404, `There is no submission ${id.slice(0, 64)}${which}.`);
    }
    const dead = entries.filter((entry) => entry.state === 'dead');
    if (dead.length === 0) {
      const states = entries.map((entry) => `${entry.destination} ${entry.state}`).join(', ');
      throw new RelayError('not_replayable', 409, `Submission ${id.slice(0, 64)} is ${states}; only dead letters can be replayed.`);
    }
    const erased = dead.filter((entry) => !entry.lead);
    if (erased.length === dead.length) {
      throw new RelayError('not_replayable', 409, `Submission ${dead[0]!.id} has no payload left (retention erased it).`);
    }
    const replayed: string[] = [];
    for (const entry of dead) {
      if (!entry.lead) continue;
      if (!(await outbox.replay(entry.id, now()))) continue;
      replayed.push(entry.id);
      log('submission.replayed', { id: entry.id, lead: entry.leadId, form: entry.formId, destination: entry.destination });
    }
    if (replayed.length === 0) {
      throw new RelayError('not_replayable', 409, `Submission ${dead[0]!.id} changed state meanwhile; reload and try again.`);
    }
    // One entry named: its id, as before several destinations; a lead's several: each entry replayed.
    if (entries.length === 1) return c.json({ id: replayed[0], state: 'pending' }, 202);
    return c.json({ id, state: 'pending', replayed }, 202);
  });

  /** The entries `id` names: one entry by its own id, or a lead's entries (of `destination` when given). */
  async function entriesNamed(id: string, destination: string | undefined): Promise<OutboxEntry[]> {
    const own = await outbox.get(id);
    if (own && (destination === undefined || own.destination === destination)) return [own];
    const names = destination === undefined ? Object.keys(config.destinations) : [destination];
    const found = await Promise.all(names.map((name) => outbox.get(entryId(id, name, 2))));
    return found.filter((entry): entry is OutboxEntry => entry !== null && entry.leadId === id);
  }

  /** Each destination's counts: every configured one, and any other that still holds entries. */
  app.get('/v1/admin/destinations', async (c) => {
    const counts = await outbox.destinationStats();
    const names = [...new Set([...Object.keys(config.destinations), ...Object.keys(counts)])];
    return c.json({
      destinations: names.map((name) => {
        const stats = counts[name] ?? { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null };
        return {
          name,
          type: config.destinations[name]?.type ?? null,
          configured: Object.hasOwn(config.destinations, name),
          pending: stats.pending,
          delivered: stats.delivered,
          dead: stats.dead,
          oldestPendingAt: stats.oldestPendingAt === null ? null : new Date(stats.oldestPendingAt).toISOString(),
        };
      }),
    });
  });

  app.route('/', adminFormsRoutes({ config, forms: deps.forms, now, log, secret: deps.secret }));
  app.route('/', statsRoutes({ forms: deps.forms, now, ...deps.insight }));

  const page = async (file: string) => (await deps.asset?.(file)) ?? null;
  app.get('/admin', async (c) => {
    const built = await page('index.html');
    if (!built) return c.json({ error: 'not_found', message: 'The admin page is not built; run npm run build.' }, 404);
    const answer = new Response(built.body, built);
    answer.headers.set('Content-Security-Policy', ADMIN_PAGE_CSP);
    return answer;
  });
  app.get('/admin/', (c) => c.redirect('/admin', 301));
  app.get('/admin/:file{[A-Za-z0-9._-]+\\.(?:js|css)}', async (c) => (await page(c.req.param('file'))) ?? c.notFound());

  return app;
}

function toAdmin(entry: OutboxEntry): AdminSubmission {
  return {
    id: entry.id,
    leadId: entry.leadId,
    form: entry.formId,
    destination: entry.destination,
    state: entry.state,
    attempts: entry.attempts,
    lastError: entry.lastError,
    uncertain: entry.uncertain,
    createdAt: new Date(entry.createdAt).toISOString(),
    replayedAt: entry.replayedAt === null ? null : new Date(entry.replayedAt).toISOString(),
    nextAttemptAt: entry.state === 'pending' ? new Date(entry.nextAttemptAt).toISOString() : null,
    remoteId: entry.remoteId,
    lead: entry.lead,
  };
}

/** Checks a bearer token, counting each address's failures. */
export interface BearerGate {
  /**
   * Null when `authorization` (the header as sent) carries the token; else the refusal: 401, or
   * 429 with Retry-After once `address` has failed too often (then even the right token waits).
   */
  check(authorization: string | undefined, address: string | null, path: string): Promise<RelayError | null>;
}

export interface BearerGateOptions {
  log: Log;
  now: () => number;
  /** @default ADMIN_FAILURES */
  failures?: RateRule;
  /** What a refused request is told to send. @default the admin API's sentence */
  hint?: string;
  /** Addresses whose failures are remembered at most; the least recently failed go first. @default 10000 */
  maxAddresses?: number;
}

/**
 * The admin token's check, for the admin API and for every page that shows personal data (see
 * pages-guard.ts). An unset `token` lets nothing through. Failures are kept in this instance's
 * memory (one Worker isolate's, on Workers), by address as the rate limits bucket them: an IPv6
 * address by its /64.
 */
export function bearerGate(token: string | undefined, options: BearerGateOptions): BearerGate {
  const expected = token ? digest(token) : null;
  const rule = options.failures ?? ADMIN_FAILURES;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const hint = options.hint ?? 'Send Authorization: Bearer <LEADFORM_ADMIN_TOKEN> to use the admin API.';
  const failures = new Map<string, Bucket>();
  return {
    async check(authorization, address, path) {
      const key = address ? addressKey(address) : 'unknown';
      const now = options.now();
      const tokens = refilled(failures.get(key), rule, now);
      if (tokens < 1) {
        options.log('admin.unauthorized', { path, address, blocked: true });
        const seconds = Math.max(1, Math.ceil((1 - tokens) / perMs(rule) / 1000));
        return new RelayError('rate_limited', 429, `Too many failed admin authentications from this address; try again in ${seconds} s.`, {
          retryAfterSeconds: seconds,
        });
      }
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (expected && match && equalDigests(await digest(match[1]!), await expected)) return null;
      const failed = takeToken(failures.get(key), rule, now).bucket;
      // Re-inserting moves the address to the end, so the Map's order is least recently failed first.
      failures.delete(key);
      failures.set(key, failed);
      if (failures.size > maxAddresses) failures.delete(failures.keys().next().value!);
      options.log('admin.unauthorized', { path, address });
      return new RelayError('unauthorized', 401, hint);
    },
  };
}

/** Hashing both sides first gives equal-length inputs, so the comparison leaks no length. */
async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares every byte whatever the first difference, so timing says nothing about the token. */
function equalDigests(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ (b[i] ?? 0);
  return difference === 0;
}
