/**
 * The admin API and page: list submissions by delivery state, replay dead letters, and see each
 * form's embed snippets. Everything under `/v1/admin/` needs `Authorization: Bearer
 * $LEADFORM_ADMIN_TOKEN`; with no token configured the admin API is off (503) rather than open.
 * The page itself (`/admin`) holds no data and asks for the token in the browser.
 */
import { Hono } from 'hono';
import type { RelayConfig } from './config.ts';
import { RelayError } from './errors.ts';
import type { Log } from './log.ts';
import type { DeliveryState, OutboxEntry, RelayOutbox } from './outbox.ts';

export interface AdminDeps {
  config: RelayConfig;
  outbox: RelayOutbox;
  now: () => number;
  log: Log;
  /** The bearer token; undefined or empty turns the admin API off. */
  token: string | undefined;
  asset?: ((file: string) => Promise<Response | null>) | undefined;
}

const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'dead'];

/** What the admin API shows of an entry, as the README's "Admin and operations" section lists it. */
export interface AdminSubmission {
  id: string;
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

export function adminRoutes(deps: AdminDeps): Hono {
  const { config, outbox, now, log } = deps;
  const app = new Hono();
  const expected = deps.token ? digest(deps.token) : null;

  app.use('/v1/admin/*', async (c, next) => {
    if (!expected) {
      throw new RelayError('admin_disabled', 503, 'The admin API is off; set LEADFORM_ADMIN_TOKEN to a long random value and restart the relay.');
    }
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !equalDigests(await digest(match[1]!), await expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="leadform admin"');
      throw new RelayError('unauthorized', 401, 'Send Authorization: Bearer <LEADFORM_ADMIN_TOKEN> to use the admin API.');
    }
    c.header('Cache-Control', 'no-store');
    await next();
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
    const entries = await outbox.list(state, limitParam);
    return c.json(entries.map(toAdmin));
  });

  app.post('/v1/admin/submissions/:id/replay', async (c) => {
    const id = c.req.param('id');
    const entry = await outbox.get(id);
    if (!entry) throw new RelayError('not_found', 404, `There is no submission ${id.slice(0, 64)}.`);
    if (entry.state !== 'dead') {
      throw new RelayError('not_replayable', 409, `Submission ${entry.id} is ${entry.state}; only dead letters can be replayed.`);
    }
    if (!entry.lead) throw new RelayError('not_replayable', 409, `Submission ${entry.id} has no payload left (retention erased it).`);
    if (!(await outbox.replay(id, now()))) {
      throw new RelayError('not_replayable', 409, `Submission ${entry.id} changed state meanwhile; reload and try again.`);
    }
    log('submission.replayed', { id: entry.id, form: entry.formId, destination: entry.destination });
    return c.json({ id: entry.id, state: 'pending' }, 202);
  });

  /** The forms, for the admin page's embed snippets. */
  app.get('/v1/admin/forms', (c) =>
    c.json({
      forms: Object.entries(config.forms).map(([id, form]) => ({
        id,
        title: form.title ?? null,
        destination: form.destination,
        destinationType: config.destinations[form.destination]?.type ?? null,
        allowedOrigins: form.allowedOrigins,
      })),
    }),
  );

  const page = async (file: string) => (await deps.asset?.(file)) ?? null;
  app.get('/admin', async (c) => (await page('index.html')) ?? c.json({ error: 'not_found', message: 'The admin page is not built; run npm run build.' }, 404));
  app.get('/admin/', (c) => c.redirect('/admin', 301));
  app.get('/admin/:file{[A-Za-z0-9._-]+\\.(js|css)}', async (c) => (await page(c.req.param('file'))) ?? c.notFound());

  return app;
}

function toAdmin(entry: OutboxEntry): AdminSubmission {
  return {
    id: entry.id,
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
