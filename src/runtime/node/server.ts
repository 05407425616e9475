/**
 * The relay on Node, the embedded default: one process, the SQLite outbox on local disk, the
 * widget and the demo pages served from this repository, and a delivery loop in the background.
 * `index.ts` starts it from the environment; tests start it here with their own options.
 */
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDestinations, DESTINATION_TYPES } from '../../destinations/index.ts';
import { renderInboxPage } from '../../destinations/sandbox-page.ts';
import { createRelay } from '../../relay/app.ts';
import { parseConfig } from '../../relay/config.ts';
import { deliverDue } from '../../relay/delivery.ts';
import { type Log, jsonLog } from '../../relay/log.ts';
import { SqliteStore } from './sqlite-store.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface NodeRelayOptions {
  /** The configuration, already read from its file. */
  config: unknown;
  /** @default 8787 */
  port?: number;
  /** All interfaces by default, so a phone on the same network can open the demo. @default "0.0.0.0" */
  hostname?: string;
  /** Folder of the SQLite file. @default "./.leadform" */
  dataDir?: string;
  /** Environment the destinations read their secrets from. @default process.env */
  env?: Record<string, string | undefined>;
  /** How often the delivery loop looks for due leads, in milliseconds. @default 1000 */
  pollMs?: number;
  /** @default JSON lines on stdout */
  log?: Log;
}

export interface NodeRelay {
  server: ServerType;
  store: SqliteStore;
  url: string;
  close(): Promise<void>;
}

export type StartResult = { ok: true; relay: NodeRelay } | { ok: false; problems: string[] };

export async function startNodeRelay(options: NodeRelayOptions): Promise<StartResult> {
  const parsed = parseConfig(options.config, DESTINATION_TYPES);
  if (!parsed.ok) return parsed;
  const { config } = parsed;
  const log = options.log ?? jsonLog;
  const env = options.env ?? process.env;
  const store = new SqliteStore({ file: join(resolve(options.dataDir ?? '.leadform'), 'leadform.sqlite') });
  const inbox = store.inbox();
  const built = createDestinations(config.destinations, { sandboxInbox: inbox, secret: (name) => env[name] });
  if (!built.ok) {
    store.close();
    return built;
  }

  let delivering: Promise<void> | null = null;
  let again = false;
  const deliveryDeps = { config, outbox: store, destinations: built.destinations, secret: (name: string) => env[name], log };
  // One pass at a time; a kick during a pass asks for one more pass when it ends.
  const kick = () => {
    if (delivering) {
      again = true;
      return;
    }
    delivering = (async () => {
      do {
        again = false;
        try {
          while ((await deliverDue(deliveryDeps)) > 0);
        } catch (error) {
          log('delivery.loop_error', { error: error instanceof Error ? error.message : String(error) });
        }
      } while (again);
      delivering = null;
    })();
  };

  const app = new Hono();
  app.get('/', serveStatic({ root: join(ROOT, 'public'), path: 'index.html' }));
  app.get('/demo/*', serveStatic({ root: join(ROOT, 'public'), rewriteRequestPath: (path) => path.replace(/^\/demo/, '') }));
  app.get('/sandbox/inbox', async (c) => c.html(renderInboxPage(await inbox.list(200))));
  app.get('/sandbox/inbox.json', async (c) => c.json(await inbox.list(1000)));
  app.route(
    '/',
    createRelay({
      config,
      outbox: store,
      log,
      onAccepted: kick,
      widgetAsset: async (file) => {
        const type = CONTENT_TYPES[extname(file)];
        if (!type) return null;
        try {
          const body = await readFile(join(ROOT, 'dist', 'widget', file));
          return new Response(body, { headers: { 'Content-Type': type, 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' } });
        } catch {
          return null;
        }
      },
    }),
  );

  const port = options.port ?? 8787;
  const server = await new Promise<ServerType>((done) => {
    const s = serve({ fetch: app.fetch, port, hostname: options.hostname ?? '0.0.0.0' }, () => done(s));
  });
  const timer = setInterval(kick, options.pollMs ?? 1000);
  kick();
  const url = `http://localhost:${port}`;
  log('relay.started', { url, forms: Object.keys(config.forms).length, destinations: built.destinations.size });

  return {
    ok: true,
    relay: {
      server,
      store,
      url,
      async close() {
        clearInterval(timer);
        await new Promise<void>((done) => server.close(() => done()));
        await delivering;
        store.close();
      },
    },
  };
}
