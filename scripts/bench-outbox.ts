/**
 * `node --import tsx scripts/bench-outbox.ts` (and a row of `npm run bench`): how long the outbox
 * takes to answer `/healthz` (`stats()`) and the admin list (`list()`, its first page and a deep
 * one) when it holds many rows, beside the 10 ms target, and what a delivery pass reads (`nextDueAt`, `due`). Prints figures; asserts nothing.
 *
 * The file is filled fast (one transaction, one prepared statement, synchronous=OFF) with
 * BENCH_OUTBOX_ROWS rows: 90 % delivered, 9 % pending, 1 % dead, one a millisecond apart; then
 * opened as the relay opens it (`SqliteStore`), which builds what a file written by an earlier
 * version lacks (its state counts).
 *
 * Options (environment): BENCH_OUTBOX_ROWS (default 1000000), BENCH_OUTBOX_RUNS (default 7),
 * BENCH_OUTBOX_DEEP (default 100: the page number of the deep page, at 100 entries a page).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryState } from '../src/relay/outbox.ts';
import { OUTBOX_SCHEMA } from '../src/relay/sql-outbox.ts';
import { SqliteStore } from '../src/runtime/node/sqlite-store.ts';

const ROWS = Number(process.env.BENCH_OUTBOX_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_OUTBOX_RUNS ?? 7);
const DEEP = Number(process.env.BENCH_OUTBOX_DEEP ?? 100);
const PAGE = 100;
const TARGET_MS = 10;
const work = mkdtempSync(join(tmpdir(), 'leadform-bench-outbox-'));
const file = join(work, 'leadform.sqlite');

function fill(): number {
  const started = performance.now();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  for (const statement of OUTBOX_SCHEMA) db.exec(statement);
  const insert = db.prepare(
    `INSERT INTO outbox (id, form_id, destination, idempotency_key, body_hash, state, attempts, created_at, next_attempt_at, updated_at, remote_id, lead)
     VALUES (?, 'contact', 'sandbox', ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
  );
  const t0 = Date.UTC(2026, 0, 1);
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const state: DeliveryState = i % 100 === 0 ? 'dead' : i % 100 < 10 ? 'pending' : 'delivered';
      const at = t0 + i;
      const id = crypto.randomUUID();
      const lead = JSON.stringify({
        id,
        formId: 'contact',
        receivedAt: new Date(at).toISOString(),
        fields: { name: 'Ada Lovelace', email: `ada${i}@example.com`, message: 'x'.repeat(120) },
      });
      insert.run(id, `key-${i}`, 'f'.repeat(64), state, at, at, at, state === 'delivered' ? `R-${i}` : null, lead);
    }
  })();
  db.close();
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function time(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm: statements prepared, pages cached, as on a relay that has been running
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

try {
  const filled = fill();
  const opening = performance.now();
  const store = new SqliteStore({ file });
  const opened = performance.now() - opening;
  try {
    // The cursor of the deep page, found once by following the pages.
    let cursor: string | null = null;
    for (let page = 1; page < DEEP; page++) cursor = (await store.list('delivered', PAGE, cursor ?? undefined)).next;
    const deepCursor = cursor ?? undefined;
    const stats = await time(() => store.stats());
    const byDestination = await time(() => store.destinationStats());
    const first = await time(() => store.list('delivered', PAGE));
    const deep = await time(() => store.list('delivered', PAGE, deepCursor));
    // What each delivery pass reads: when the next lead is due, and the due leads it claims.
    const nextDue = await time(async () => store.nextDueAt());
    const claim = await time(() => store.due(Date.UTC(2027, 0, 1), 50, 'sandbox'));
    const counted = await store.stats();
    const f = (ms: number) => `${ms.toFixed(2)} ms`;
    console.log(`leadform outbox benchmark (Node ${process.version}, SQLite via better-sqlite3, median of ${RUNS} runs)`);
    console.log(
      `  rows: ${ROWS} (pending ${counted.pending}, delivered ${counted.delivered}, dead ${counted.dead}), filled in ${(filled / 1000).toFixed(1)} s`,
    );
    console.log(`  open (builds the state counts of a file without them): ${f(opened)}`);
    console.log(`  healthz stats: ${f(stats)} (target ${TARGET_MS} ms)`);
    console.log(`  healthz stats per destination: ${f(byDestination)} (target ${TARGET_MS} ms)`);
    console.log(`  admin list, first page of ${PAGE} delivered: ${f(first)} (target ${TARGET_MS} ms)`);
    console.log(`  admin list, page ${DEEP} of ${PAGE} delivered: ${f(deep)} (target ${TARGET_MS} ms)`);
    console.log(`  delivery: when the next lead is due: ${f(nextDue)}; claiming 50 due leads: ${f(claim)} (read by every pass)`);
  } finally {
    store.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
