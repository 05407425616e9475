/**
 * `npm run bench:relay`: how fast the Node relay acknowledges leads durably, beside a bare
 * reference endpoint (scripts/bench-reference.ts: Hono, zod and better-sqlite3 with the same
 * pragmas and a 2 ms group commit) and how fast the same SQLite settings (WAL, synchronous=FULL)
 * insert one row per transaction on this machine, all measured in the same run, with the resident
 * memory (RSS) of the relay and of the reference, idle and at peak, and each one's CPU per lead
 * (user + system, from /proc: steadier than a rate on a shared machine). Prints figures; asserts nothing.
 *
 * The relay runs as `npm start` does (compiled JavaScript in its own process, JSON logs, delivery
 * to the sandbox inbox running alongside), on loopback; this process is the load: CONCURRENCY
 * submissions in flight until COUNT are answered or SECONDS pass. Target: the relay accepts at
 * least 0.8 of the reference's rate.
 *
 * Options (environment): BENCH_COUNT (default 20000), BENCH_CONCURRENCY (default 64),
 * BENCH_SECONDS (default 20), BENCH_RAW_COUNT (default 1500).
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDurableDatabase } from '../src/runtime/node/sqlite-store.ts';
import { OUTBOX_SCHEMA } from '../src/relay/sql-outbox.ts';
import { build } from 'esbuild';
import { buildNodeRelay } from './build-node.ts';
import { type BenchServer as Server, processCpuMs, startProcess } from './bench-process.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 20000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RAW_COUNT = Number(process.env.BENCH_RAW_COUNT ?? 1500);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'leadform-bench-'));

/** One row per transaction, as an outbox without group commit would write it. */
let rawRuns = 0;
function rawInsertRate(): number {
  const db = openDurableDatabase(join(work, `raw-${++rawRuns}.sqlite`));
  for (const statement of OUTBOX_SCHEMA) db.exec(statement);
  const insert = db.prepare(
    `INSERT INTO outbox (id, form_id, destination, idempotency_key, body_hash, created_at, next_attempt_at, updated_at, lead)
     VALUES (?, 'contact', 'sandbox', ?, ?, ?, ?, ?, ?)`,
  );
  const lead = JSON.stringify({ fields: { name: 'Ada Lovelace', email: 'ada@example.com', message: 'x'.repeat(200) } });
  const one = db.transaction((i: number) => {
    const now = Date.now();
    insert.run(crypto.randomUUID(), `key-${i}`, 'f'.repeat(64), now, now, now, lead);
  });
  const started = performance.now();
  let i = 0;
  while (i < RAW_COUNT && performance.now() - started < SECONDS * 1000) one.immediate(i++);
  const rate = i / ((performance.now() - started) / 1000);
  db.close();
  return rate;
}

/** Resident memory of a process, from /proc: now (VmRSS) and its peak so far (VmHWM), in MB. */
function memoryOf(child: ChildProcess): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const mb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rss: mb('VmRSS'), peak: mb('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

async function startReference(): Promise<Server> {
  const file = join(ROOT, 'dist/bench/reference.js');
  await build({
    entryPoints: [join(ROOT, 'scripts/bench-reference.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return startProcess([file], { PORT: '0', REFERENCE_DB: join(work, 'reference.sqlite') }, /reference at (http:\/\/\S+)/);
}

async function startRelay(): Promise<Server> {
  const config = join(work, 'bench.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      forms: {
        contact: {
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'email', type: 'email', required: true },
            { name: 'message', type: 'textarea' },
          ],
          minFillMs: 0,
          destination: 'sandbox',
        },
      },
      destinations: { sandbox: { type: 'sandbox' } },
      limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
    }),
  );
  // Compiled, as `npm start` runs it (BENCH_PROF profiles it).
  const file = await buildNodeRelay();
  return startProcess(
    [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), file],
    { PORT: '0', HOST: '127.0.0.1', LEADFORM_CONFIG: config, LEADFORM_DATA_DIR: join(work, 'relay') },
    /demo at (http:\/\/\S+?)\//,
  );
}

async function load(url: string): Promise<{ accepted: number; failed: number; seconds: number; latencies: number[] }> {
  const body = (i: number) =>
    JSON.stringify({ fields: { name: 'Ada Lovelace', email: `ada${i}@example.com`, message: 'x'.repeat(200) }, meta: { fillMs: 5000 } });
  // Warm up: connections, JIT, the first commit.
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => post(url, body(-i - 1), `warm-${i}`)));
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT && performance.now() < deadline) {
        const i = next++;
        const sent = performance.now();
        const status = await post(url, body(i), `bench-${i}`);
        latencies.push(performance.now() - sent);
        if (status === 202) accepted++;
        else failed++;
      }
    }),
  );
  return { accepted, failed, seconds: (performance.now() - started) / 1000, latencies };
}

// node:http with keep-alive rather than fetch: the load generator shares the machine with the
// relay, and the lighter client leaves more of it to what is measured.
let agent: Agent | undefined;
function post(url: string, body: string, key: string): Promise<number> {
  agent ??= new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(`${url}/v1/forms/contact/submissions`);
  return new Promise((done, fail) => {
    const request = httpRequest(
      target,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Idempotency-Key': key } },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
      },
    );
    request.on('error', fail);
    request.end(body);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** One server under load: its rate, latencies, memory and CPU (user + system) during the load. */
async function measure(
  server: Server,
): Promise<{ rate: number; accepted: number; failed: number; seconds: number; sorted: number[]; idle: number; peak: number; cpuMs: number }> {
  const idle = memoryOf(server.child).rss;
  const cpuBefore = processCpuMs(server.child.pid!);
  const result = await load(server.url);
  const cpuMs = processCpuMs(server.child.pid!) - cpuBefore;
  const { peak } = memoryOf(server.child);
  return { ...result, rate: result.accepted / result.seconds, sorted: [...result.latencies].sort((a, b) => a - b), idle, peak, cpuMs };
}

try {
  // The disk's speed drifts (other work on the machine): measure the raw rate on both sides of
  // the servers' runs and compare with their mean.
  const rawBefore = rawInsertRate();
  const reference = await startReference();
  const bare = await measure(reference).finally(() => reference.stop());
  const relay = await startRelay();
  try {
    const cpuBefore = processCpuMs(relay.child.pid!);
    const result = await measure(relay);
    // The relay's own count, so the figure is of leads stored, not of answers sent.
    const health = (await (await fetch(`${relay.url}/healthz`)).json()) as { outbox: { pending: number; delivered: number; dead: number } };
    const stored = health.outbox.pending + health.outbox.delivered + health.outbox.dead;
    // Then until every lead is at the sandbox: how much of the delivery ran during the load
    // changes the rate, so the CPU to accept and deliver each lead is the figure to compare.
    const drainStarted = performance.now();
    let pending = health.outbox.pending;
    while (pending > 0 && performance.now() - drainStarted < 120_000) {
      await new Promise((done) => setTimeout(done, 100));
      pending = ((await (await fetch(`${relay.url}/healthz`)).json()) as { outbox: { pending: number } }).outbox.pending;
    }
    const cpuToDeliver = processCpuMs(relay.child.pid!) - cpuBefore;
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const { peak } = memoryOf(relay.child);
    relay.stop();
    const rawAfter = rawInsertRate();
    const raw = (rawBefore + rawAfter) / 2;
    const f = (n: number) => n.toFixed(1);
    const latency = (sorted: number[]) => `p50 ${f(percentile(sorted, 50))} ms, p99 ${f(percentile(sorted, 99))} ms`;
    const cpuPerLead = (server: { cpuMs: number; accepted: number }) => f((server.cpuMs * 1000) / server.accepted);
    console.log(`leadform relay benchmark (Node ${process.version}, loopback, concurrency ${CONCURRENCY})`);
    console.log(`  raw durable inserts (WAL, synchronous=FULL, 1 row/txn): ${f(raw)} rows/s (before ${f(rawBefore)}, after ${f(rawAfter)})`);
    console.log(`  reference accepted: ${bare.accepted} in ${bare.seconds.toFixed(2)} s = ${f(bare.rate)} submissions/s (${bare.failed} not 202)`);
    console.log(`  reference latency: ${latency(bare.sorted)}`);
    console.log(`  reference CPU (user+system, during the load): ${cpuPerLead(bare)} µs per accepted lead`);
    console.log(`  relay accepted: ${result.accepted} in ${result.seconds.toFixed(2)} s = ${f(result.rate)} submissions/s (${result.failed} not 202)`);
    console.log(
      `  stored in the outbox (healthz): ${stored}, of which delivered to the sandbox: ${health.outbox.delivered} (${CONCURRENCY} warm-up submissions included)`,
    );
    console.log(`  latency: ${latency(result.sorted)}`);
    console.log(
      `  relay CPU (user+system, during the load, delivery to the sandbox included): ${cpuPerLead(result)} µs per accepted lead (a figure other work on the machine moves less than the rate)`,
    );
    console.log(
      `  relay CPU to accept and deliver every lead (the load, then until none is pending, ${drainSeconds.toFixed(1)} s more${pending > 0 ? `; ${pending} still pending` : ''}): ${f((cpuToDeliver * 1000) / stored)} µs per lead`,
    );
    console.log(`  ratio relay/reference: ${(result.rate / bare.rate).toFixed(2)} (target ≥ 0.80)`);
    console.log(`  ratio relay/raw: ${(result.rate / raw).toFixed(2)}`);
    console.log(`  relay RSS: idle ${f(result.idle)} MB, peak ${f(Math.max(result.peak, peak))} MB`);
    console.log(`  reference RSS: idle ${f(bare.idle)} MB, peak ${f(bare.peak)} MB`);
  } finally {
    relay.stop();
    agent?.destroy();
  }
} finally {
  // Give the relay a moment to close its database before its folder goes.
  await new Promise((done) => setTimeout(done, 300));
  rmSync(work, { recursive: true, force: true });
}
