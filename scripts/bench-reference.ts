/**
 * The bare reference endpoint `npm run bench:relay` measures leadform against: what Hono, zod and
 * better-sqlite3 reach on this machine with the relay's durability settings (WAL,
 * synchronous=FULL, via the same `openDurableDatabase`) and a 2 ms group commit, answering 202
 * only once the row is committed. No origin check, rate limit, spam check, idempotency lookup or
 * delivery: the floor every one of those is paid against.
 *
 * Run as a process of its own (the bench compiles it with esbuild, as `npm start` runs the relay):
 * PORT (default 0) and REFERENCE_DB (the SQLite file) from the environment; prints
 * `reference at http://…` on stderr once it listens.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { openDurableDatabase } from '../src/runtime/node/sqlite-store.ts';

const Submission = z.object({
  fields: z.object({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    email: z.string().check(z.trim(), z.email(), z.maxLength(254)),
    message: z.optional(z.string().check(z.maxLength(5000))),
  }),
  meta: z.optional(z.object({ fillMs: z.optional(z.number()) })),
});

const db = openDurableDatabase(process.env.REFERENCE_DB ?? 'reference.sqlite');
db.exec('CREATE TABLE IF NOT EXISTS leads (id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE, created_at INTEGER NOT NULL, lead TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO leads (id, idempotency_key, created_at, lead) VALUES (?, ?, ?, ?)');

type Row = [id: string, key: string | null, createdAt: number, lead: string];
let batch: { row: Row; done: () => void }[] = [];
const commit = db.transaction((rows: Row[]) => {
  for (const row of rows) insert.run(...row);
});
function flush(): void {
  const taken = batch;
  batch = [];
  commit(taken.map((entry) => entry.row));
  for (const entry of taken) entry.done();
}
/** Resolves once the row is committed, with every other row of the same 2 ms. */
function store(row: Row): Promise<void> {
  return new Promise((done) => {
    if (!batch.length) setTimeout(flush, 2);
    batch.push({ row, done });
  });
}

const app = new Hono();
app.post('/v1/forms/contact/submissions', async (c) => {
  const body = await c.req.json().catch(() => undefined);
  const parsed = Submission.safeParse(body);
  if (!parsed.success) return c.json({ error: 'validation_failed', issues: parsed.error.issues }, 422);
  const id = crypto.randomUUID();
  await store([id, c.req.header('Idempotency-Key') ?? null, Date.now(), JSON.stringify(parsed.data)]);
  return c.json({ id }, 202);
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.error(`reference at http://127.0.0.1:${info.port}`);
});
// Exits on the bench's SIGTERM rather than being killed by it, so BENCH_PROF's profile is written.
process.once('SIGTERM', () => process.exit(0));
