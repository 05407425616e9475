/**
 * The relay on Node, the embedded default: one process, the SQLite outbox on local disk, the
 * widget and the demo pages served from this repository, and a delivery loop in the background.
 * `index.ts` starts it from the environment; tests start it here with their own options.
 */
import type { Checked } from '../../schema/checked.ts';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDestinations, destinationFactories, type DestinationDeps } from '../../destinations/index.ts';
import type { DestinationFactory } from '../../destinations/types.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from '../../relay/admin.ts';
import { createRelay } from '../../relay/app.ts';
import { parseConfig } from '../../relay/config.ts';
import { deliverDue, deleteExpiredLeads, deliverLocalDestinationsAtAccept, type Pacer } from '../../relay/delivery.ts';
import { formCatalog } from '../../relay/forms/catalog.ts';
import { SqlFormStore } from '../../relay/forms/sql-form-store.ts';
import { bufferedJsonLog, type Log } from '../../relay/log.ts';
import { guardPages, isLoopback } from '../../relay/pages-guard.ts';
import { counterBatcher } from '../../relay/insight/counters.ts';
import { sqlLeadTally } from '../../relay/insight/lead-tally.ts';
import { batchedCounts } from '../../relay/insight/routes.ts';
import { sqlCountersStore } from '../../relay/insight/sql-counters.ts';
import { memoryRateLimiter } from '../../relay/rate-limit.ts';
import { promoteDuePartials } from '../../relay/partials/promote.ts';
import { SqlPartials } from '../../relay/partials/store.ts';
import { sendMailOverSmtp } from './smtp.ts';
import { betterSqliteDriver, openDurableDatabase, SqliteStore, StoreFileProblem } from './sqlite-store.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface NodeRelayOptions {
  /** The configuration, already read from its file. */
  config: unknown;
  /** @default 8787 */
  port?: number;
  /** All interfaces by default, so a phone on the same network can open the demo. @default "0.0.0.0" ($HOST for `npm start`) */
  hostname?: string;
  /** Folder of the SQLite file. @default "./.leadform" */
  dataDir?: string;
  /** Environment the destinations read their secrets from. @default process.env */
  env?: Record<string, string | undefined>;
  /** How often the delivery loop looks for due leads, in milliseconds. @default 1000 */
  pollMs?: number;
  /** @default JSON lines on stdout, batched per event-loop turn */
  log?: Log;
  /** Overrides Cloudflare's Turnstile siteverify endpoint (a fake one in tests). @default Cloudflare's */
  turnstileVerifyUrl?: string;
  /**
   * Behind a reverse proxy (nginx, a load balancer) every connection comes from the proxy: take
   * the visitor's address from the last `X-Forwarded-For` entry, the one the proxy added.
   * Only set it when a proxy is in front, or visitors could choose their own address.
   * @default false ($LEADFORM_TRUST_PROXY=1 for `npm start`)
   */
  trustProxy?: boolean;
  /**
   * Destination adapters beyond the built-in ones, by type name: a private CRM's adapter, or a
   * test double. @default none
   */
  extraDestinations?: Record<string, DestinationFactory<DestinationDeps>>;
  /**
   * How long the delivery loop waits after a kick before it claims due leads, so one claim
   * covers a burst of accepts. @default 20
   */
  deliveryBatchMs?: number;
  /**
   * The same wait for a destination delivered in the outbox's own transactions (the sandbox
   * inbox), before each of its passes over the leads its accepts left pending: the longer, the
   * more leads one commit delivers. @default 100
   */
  inTransactionBatchMs?: number;
  /** How often the retention pass deletes delivered leads past retention, in milliseconds. @default 3600000 */
  retentionSweepMs?: number;
  /** How often partials past their form's `partialAfterMinutes` are promoted to partial leads, in milliseconds. @default 10000 */
  partialSweepMs?: number;
  /** The relay's clock, for partials' due times and their promotion (tests drive it). @default Date.now */
  now?: () => number;
}

export interface NodeRelay {
  server: ServerType;
  store: SqliteStore;
  /** The partial leads, in the outbox's own file. */
  partials: SqlPartials;
  url: string;
  /** Promotes the partials due now (the sweeper does so every `partialSweepMs`); returns how many were settled. */
  promotePartials(): Promise<number>;
  close(): Promise<void>;
}

export type StartResult = Checked<NodeRelay>;

/** JSON lines on stdout, written once per event-loop turn; what is waiting is written on exit. */
const stdoutLog = bufferedJsonLog(
  (text) => process.stdout.write(text),
  (flush) => setImmediate(flush),
);
process.once('exit', () => stdoutLog.flush());

/** An admin token too short to keep the admin API safe; unset or empty turns the API off instead. */
function adminTokenProblems(token: string | undefined): string[] {
  if (!token || token.length >= MIN_ADMIN_TOKEN_LENGTH) return [];
  return [
    `LEADFORM_ADMIN_TOKEN: ${token.length} characters is too short to keep the admin API safe from guessing; set it to at least ${MIN_ADMIN_TOKEN_LENGTH} random characters (openssl rand -hex 32), or to off to turn the admin API off`,
  ];
}

/**
 * A file of the build by its path under `dist/` (`widget/form.js`, `admin/index.html`), or null
 * when it is not built. The build's brotli and gzip copies (`widget/form.js.br`, `.gz`) are read
 * the same way: with them the core answers compressed (src/relay/assets.ts).
 */
async function builtFile(path: string): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    return await readFile(join(ROOT, 'dist', path));
  } catch {
    return null;
  }
}

/** The host to print for an address listened on: localhost where it reaches it, else the address itself. */
function urlHost(hostname: string): string {
  if (['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost', ''].includes(hostname)) return 'localhost';
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}

export async function startNodeRelay(options: NodeRelayOptions): Promise<StartResult> {
  const env = options.env ?? process.env;
  const secret = (name: string) => env[name];
  const factories = { ...destinationFactories, ...options.extraDestinations };
  const parsed = parseConfig(options.config, factories, env);
  const tokenProblems = adminTokenProblems(env.LEADFORM_ADMIN_TOKEN);
  if (!parsed.ok) return { ok: false, problems: [...parsed.problems, ...tokenProblems] };
  if (tokenProblems.length) return { ok: false, problems: tokenProblems };
  const { value: config } = parsed;
  const log = options.log ?? stdoutLog;
  const dataDir = resolve(options.dataDir ?? '.leadform');
  let store: SqliteStore;
  try {
    store = new SqliteStore({ file: join(dataDir, 'leadform.sqlite'), takeOverAfterMs: config.delivery.timeoutMs, log });
  } catch (error) {
    // A damaged outbox, or a missing one where one existed: the problem names the file and the fix.
    if (error instanceof StoreFileProblem) return { ok: false, problems: [error.message] };
    return {
      ok: false,
      problems: [`LEADFORM_DATA_DIR: cannot keep the outbox in ${dataDir} (${(error as Error).message}); set it to a folder this process may write`],
    };
  }
  // Forms made in the builder live beside the outbox, in the same file; this process is the only
  // writer, so the catalogue is refreshed after each change and read from memory otherwise.
  const forms = formCatalog({ fileForms: config.forms, store: new SqlFormStore(store.sql), declaredDestinations: Object.keys(config.destinations), log });
  await forms.refresh();
  // The funnel counters in a file of their own, so a flush never holds the outbox's write lock;
  // the leads' tally is kept by the outbox file itself.
  let insightDb: ReturnType<typeof openDurableDatabase>;
  try {
    insightDb = openDurableDatabase(join(dataDir, 'insight.sqlite'));
    // A flush runs on the event loop: with synchronous=NORMAL its commit waits for no fsync (the
    // WAL reaches the disk at checkpoints), so it never holds up the accepts around it. A commit
    // outlives the process; only a power cut can take back what the last checkpoint had not synced.
    insightDb.pragma('synchronous = NORMAL');
  } catch (error) {
    store.close();
    return {
      ok: false,
      problems: [`LEADFORM_DATA_DIR: cannot keep the insight counters in ${dataDir} (${(error as Error).message}); set it to a folder this process may write`],
    };
  }
  const counters = sqlCountersStore(betterSqliteDriver(insightDb));
  const batcher = counterBatcher({
    store: counters,
    onError: (error) => log('insight.flush_error', { error: error instanceof Error ? error.message : String(error) }),
  });
  const insight = { counts: batchedCounts(batcher, counters), leads: sqlLeadTally(store) };
  const closeInsight = async () => {
    await batcher.close().catch(() => {});
    insightDb.close();
  };
  // Known once the server listens: the address alerts link to when the configuration names none.
  let listeningUrl: string | undefined;
  const built = createDestinations(
    config.destinations,
    {
      sql: store.sql,
      secret,
      sendMail: sendMailOverSmtp,
      forms: config.forms,
      formOf: (id: string) => forms.get(id)?.config,
      publicUrl: () => config.publicUrl ?? listeningUrl,
    },
    factories,
  );
  if (!built.ok) {
    store.close();
    await closeInsight();
    return built;
  }

  const now = options.now ?? Date.now;
  // In the outbox's file: the final submission ends its partial in the lead's own transaction.
  const partials = new SqlPartials(store.sql);
  store.onStoredInTransaction((input) => {
    if (input.idempotencyKey !== null && forms.get(input.lead.formId)?.config.partials) {
      partials.completeNow(input.lead.formId, input.idempotencyKey, Date.parse(input.lead.receivedAt));
    }
  });

  let stopping = false;
  const deliveryDeps = {
    ...(options.now ? { now: options.now } : {}),
    stopping: () => stopping,
    config,
    forms,
    outbox: store,
    destinations: built.value,
    secret,
    log,
    pacers: new Map<string, Pacer>(),
  };
  // A destination that writes to the outbox's own file (the sandbox inbox) is delivered in the
  // transaction that accepts each of its leads: an accept need not wake its loop (a lead its first
  // attempt left pending is retried by the poll, as every retry is).
  const deliveredAtAccept = deliverLocalDestinationsAtAccept(store, deliveryDeps);
  // One delivery loop per destination, so a slow or paced CRM never holds up the others. Each
  // runs one pass at a time; a kick during a pass asks for one more pass when it ends.
  const loops = new Map<string, { running: Promise<void> | null; again: boolean }>();
  const kickOne = (destination: string) => {
    let loop = loops.get(destination);
    if (!loop) loops.set(destination, (loop = { running: null, again: false }));
    if (loop.running) {
      loop.again = true;
      return;
    }
    const current = loop;
    // A destination delivered in the outbox's own transactions (the sandbox inbox) gathers its
    // leads before every pass, not only the first: a batch costs one commit however many leads
    // it holds, and no vendor waits at the other end.
    const inTransaction = built.value.get(destination)?.inTransaction !== undefined;
    const gather = () => new Promise((done) => setTimeout(done, inTransaction ? (options.inTransactionBatchMs ?? 100) : (options.deliveryBatchMs ?? 20)));
    current.running = (async () => {
      // Start a moment late, so that one durable claim covers every lead accepted meanwhile
      // rather than one fsync per lead under load.
      await gather();
      do {
        current.again = false;
        try {
          // One pass takes every due lead, claimed a few at a time as attempts free up: a paced
          // destination then runs at its pace throughout, not pausing at each batch's last timeout.
          // In transactions, one call takes every due lead, a batch at a time.
          if (inTransaction) await deliverDue(deliveryDeps, Number.POSITIVE_INFINITY, destination);
          else while (!stopping && (await deliverDue(deliveryDeps, Number.POSITIVE_INFINITY, destination)) > 0);
        } catch (error) {
          log('delivery.loop_error', { destination, error: error instanceof Error ? error.message : String(error) });
        }
        if (inTransaction && current.again && !stopping) await gather();
      } while (current.again && !stopping);
      current.running = null;
    })();
  };
  // Leads waiting for a destination the configuration no longer has (renamed or removed) still get
  // their attempts, which end as dead letters saying so, to replay once it is back.
  const unconfigured = store.pendingDestinations().filter((name) => !Object.hasOwn(config.destinations, name));
  for (const name of unconfigured) {
    log('delivery.unconfigured_destination', {
      destination: name,
      fix: `add destination "${name}" back to the configuration, or its pending leads end as dead letters`,
    });
  }
  const kick = () => {
    for (const name of [...Object.keys(config.destinations), ...unconfigured]) kickOne(name);
  };
  const sweep = async () => {
    await deleteExpiredLeads(deliveryDeps).catch((error) => log('retention.error', { error: String(error) }));
    await partials.erase(now() - config.retention.deliveredPayloadDays * 86_400_000).catch((error) => log('retention.error', { error: String(error) }));
  };
  const promoteDeps = { config, forms, partials, outbox: store, now, log, onPromoted: (destination: string) => kickOne(destination) };
  let promoting: Promise<number> | null = null;
  // One pass at a time: a pass that overlapped another would store nothing twice (the outbox's
  // key), but would log each promotion twice.
  const promotePartials = async (): Promise<number> => {
    while (promoting) await promoting.catch(() => 0);
    promoting = (async () => {
      let settled = 0;
      for (let batch = await promoteDuePartials(promoteDeps); batch > 0; batch = await promoteDuePartials(promoteDeps)) settled += batch;
      return settled;
    })();
    try {
      return await promoting;
    } finally {
      promoting = null;
    }
  };

  const app = new Hono();
  app.get('/', serveStatic({ root: join(ROOT, 'public'), path: 'index.html' }));
  app.get('/demo/*', serveStatic({ root: join(ROOT, 'public'), rewriteRequestPath: (path) => path.replace(/^\/demo/, '') }));
  // Pages a destination serves itself (the sandbox's inbox), under its type's prefix, behind the
  // pages guard: they may show personal data, so only a loopback client (not through a proxy) or
  // the admin token gets them.
  for (const [name, destination] of built.value) {
    const at = factories[config.destinations[name]!.type]?.pagesAt;
    if (!at || !destination.pages) continue;
    const pages = guardPages((request) => destination.pages!(request), { token: env.LEADFORM_ADMIN_TOKEN, log, loopbackSuffices: true });
    app.all(`${at}*`, (c) => {
      const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? null;
      return pages(c.req.raw, { address: socket, loopback: !options.trustProxy && isLoopback(socket) });
    });
  }
  app.route(
    '/',
    createRelay({
      config,
      forms,
      outbox: store,
      log,
      onAccepted: (destination) => (deliveredAtAccept.has(destination) ? undefined : kickOne(destination)),
      secret,
      sha256: (text) => hash('sha256', text),
      rateLimiter: memoryRateLimiter(),
      clientIp: (request, bindings) => {
        const forwarded = options.trustProxy ? request.headers.get('X-Forwarded-For')?.split(',').pop()?.trim() : undefined;
        return forwarded || ((bindings as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? null);
      },
      adminToken: env.LEADFORM_ADMIN_TOKEN,
      ...(options.turnstileVerifyUrl ? { turnstileVerifyUrl: options.turnstileVerifyUrl } : {}),
      readAsset: builtFile,
      health: () => store.health(),
      now,
      partials,
      completePartialsOnAccept: false,
      insight,
    }),
  );

  const port = options.port ?? 8787;
  const hostname = options.hostname ?? '0.0.0.0';
  const listening = await new Promise<ServerType | NodeJS.ErrnoException>((done) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => done(s));
    s.once('error', done);
  });
  if (listening instanceof Error) {
    store.close();
    await closeInsight();
    if (listening.code === 'EADDRNOTAVAIL' || listening.code === 'ENOTFOUND' || listening.code === 'EAI_AGAIN') {
      return {
        ok: false,
        problems: [
          `HOST: cannot listen on ${hostname} (${listening.code}); set HOST to an address of this machine (0.0.0.0 for every interface, 127.0.0.1 for this machine only)`,
        ],
      };
    }
    const why =
      listening.code === 'EADDRINUSE'
        ? `port ${port} is in use (another leadform, or another server)`
        : `cannot listen on ${hostname}:${port} (${listening.message})`;
    return { ok: false, problems: [`PORT: ${why}; set PORT to a free port`] };
  }
  const server = listening;
  // Connections serving no request right now: a keep-alive one between requests, or one a
  // browser opened ahead of need (Chromium preconnects) that has sent nothing yet. Node's
  // close() waits for these, and stops timing out one that never sent a request.
  const quiet = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    quiet.add(socket);
    socket.once('close', () => quiet.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    quiet.delete(request.socket);
    response.once('finish', () => {
      if (!request.socket.destroyed) quiet.add(request.socket);
    });
  });
  const timer = setInterval(kick, options.pollMs ?? 1000);
  const retentionTimer = setInterval(sweep, options.retentionSweepMs ?? 3_600_000);
  const partialTimer = setInterval(
    () => void promotePartials().catch((error) => log('partial.promote_error', { error: error instanceof Error ? error.message : String(error) })),
    options.partialSweepMs ?? 10_000,
  );
  kick();
  void sweep();
  const address = server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : port;
  const url = `http://${urlHost(hostname)}:${boundPort}`;
  listeningUrl = url;
  log('relay.started', { url, forms: Object.keys(config.forms).length, destinations: built.value.size, admin: env.LEADFORM_ADMIN_TOKEN ? 'on' : 'off' });

  return {
    ok: true,
    value: {
      server,
      store,
      partials,
      url,
      promotePartials,
      /** Stops taking requests, lets the attempts under way end (not the backlog), and closes the store. */
      async close() {
        stopping = true;
        clearInterval(timer);
        clearInterval(retentionTimer);
        clearInterval(partialTimer);
        const closed = new Promise<void>((done) => server.close(() => done()));
        // Requests under way still get their answers; a quiet connection would hold close() until the client let go.
        for (const socket of quiet) socket.destroy();
        await closed;
        await Promise.all([...[...loops.values()].map((loop) => loop.running), promoting?.catch(() => 0)]);
        await closeInsight();
        store.close();
      },
    },
  };
}
