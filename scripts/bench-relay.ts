/**
 * `npm run bench:relay`: how fast the Node relay acknowledges leads durably, beside a bare
 * reference endpoint (scripts/bench-reference.ts: Hono, zod and better-sqlite3 with the same
 * pragmas and a 2 ms group commit) and how fast the same SQLite settings (WAL, synchronous=FULL)
 * insert one row per transaction on this machine, all measured in the same run, with the resident
 * memory (RSS) of the relay and of the reference, idle and at peak, and each one's CPU per lead
 * (user + system, from /proc: steadier than a rate on a shared machine), of the whole process and
 * of the main thread that serves the requests, beside the load generator's own. Prints figures;
 * asserts nothing. To compare two builds of the relay with each other, see bench-relay-ab.ts.
 *
 * The relay runs as `npm start` does (compiled JavaScript in its own process, JSON logs, delivery
 * to the sandbox inbox running alongside), on loopback; this process is the load: CONCURRENCY
 * submissions in flight until COUNT are answered or SECONDS pass, for each server in turn, ROUNDS
 * times. Target: the relay accepts at least 0.8 of the reference's rate (the median of the rounds'
 * ratios; each round's is printed, so the spread shows).
 *
 * Options (environment): BENCH_COUNT (default 20000 a round), BENCH_CONCURRENCY (default 64),
 * BENCH_SECONDS (default 8 a round), BENCH_ROUNDS (default 3), BENCH_WARMUP (default 2000 submissions
 * to each server before the rounds, not counted), BENCH_RAW_COUNT (default 1500);
 * BENCH_PROF=1 writes a V8 CPU profile of the relay to /tmp/prof and of the reference to /tmp/profref.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDurableDatabase } from '../src/runtime/node/sqlite-store.ts';
import { OUTBOX_SCHEMA } from '../src/relay/sql-outbox.ts';
import { build } from 'esbuild';
import { buildNodeRelay } from './build-node.ts';
import { closeLoad, type LoadResult, loadSubmissions, startBenchRelay } from './bench-load.ts';
import { type BenchServer as Server, mainThreadCpuMs, processCpuMs, startProcess } from './bench-process.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 20000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const RAW_COUNT = Number(process.env.BENCH_RAW_COUNT ?? 1500);
const WARMUP_COUNT = Number(process.env.BENCH_WARMUP ?? 2000);
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
  return startProcess(
    [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/profref'] : []), file],
    { PORT: '0', REFERENCE_DB: join(work, 'reference.sqlite') },
    /reference at (http:\/\/\S+)/,
  );
}

async function startRelay(): Promise<Server> {
  // Compiled, as `npm start` runs it (BENCH_PROF profiles it).
  return startBenchRelay(await buildNodeRelay(), work, { nodeArgs: process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [] });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** One server under load: its rate, latencies, memory and CPU (user + system) during the load. */
interface Measured extends LoadResult {
  rate: number;
  peak: number;
  cpuMs: number;
  /** Of the server's main thread alone. */
  mainThreadMs: number;
  /** Of this process, the load generator, meanwhile. */
  loadCpuMs: number;
}
const load = (url: string, round: number, count = COUNT) => loadSubmissions(url, { tag: String(round), count, concurrency: CONCURRENCY, seconds: SECONDS });
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
async function measure(server: Server, round: number): Promise<Measured> {
  const pid = server.child.pid!;
  const before = { cpu: processCpuMs(pid), main: mainThreadCpuMs(pid), load: ownCpuMs() };
  const result = await load(server.url, round);
  const cpuMs = processCpuMs(pid) - before.cpu;
  const mainThreadMs = mainThreadCpuMs(pid) - before.main;
  const loadCpuMs = ownCpuMs() - before.load;
  const { peak } = memoryOf(server.child);
  return { ...result, rate: result.accepted / result.seconds, peak, cpuMs, mainThreadMs, loadCpuMs };
}

interface OutboxCounts {
  pending: number;
  delivered: number;
  dead: number;
}
async function outboxOf(relay: Server): Promise<OutboxCounts> {
  return ((await (await fetch(`${relay.url}/healthz`)).json()) as { outbox: OutboxCounts }).outbox;
}

/** Waits until the relay has delivered every lead (at most two minutes); the leads still pending. */
async function drained(relay: Server): Promise<number> {
  const started = performance.now();
  let { pending } = await outboxOf(relay);
  while (pending > 0 && performance.now() - started < 120_000) {
    await new Promise((done) => setTimeout(done, 100));
    ({ pending } = await outboxOf(relay));
  }
  return pending;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The rounds of one server, summed: leads, seconds, latencies, CPU; the median round's rate; the highest peak RSS. */
function summed(rounds: Measured[]) {
  const sum = (pick: (m: Measured) => number) => rounds.reduce((total, m) => total + pick(m), 0);
  return {
    accepted: sum((m) => m.accepted),
    failed: sum((m) => m.failed),
    seconds: sum((m) => m.seconds),
    cpuMs: sum((m) => m.cpuMs),
    mainThreadMs: sum((m) => m.mainThreadMs),
    loadCpuMs: sum((m) => m.loadCpuMs),
    rate: median(rounds.map((m) => m.rate)),
    sorted: rounds.flatMap((m) => m.latencies).sort((a, b) => a - b),
    peak: Math.max(...rounds.map((m) => m.peak)),
  };
}

try {
  // The disk's speed drifts (other work on the machine): measure the raw rate on both sides of
  // the servers' runs and compare with their mean.
  const rawBefore = rawInsertRate();
  const reference = await startReference();
  const relay = await startRelay();
  try {
    // Idle: started, nothing loaded yet.
    const idle = { reference: memoryOf(reference.child).rss, relay: memoryOf(relay.child).rss };
    // First a warm-up of each, not counted: both reach the rounds with their code optimised and
    // their files past the first pages (the first round ran slower for both without it).
    await load(reference.url, 0, WARMUP_COUNT);
    await load(relay.url, 0, WARMUP_COUNT);
    await drained(relay);
    const warmedUp = await outboxOf(relay);
    const references: Measured[] = [];
    const relays: Measured[] = [];
    const cpuBefore = processCpuMs(relay.child.pid!);
    // Both run side by side, loaded in turn, ROUNDS times, the order swapped each round: what
    // else the machine does drifts over a run, and each round's ratio is of two runs seconds apart.
    // The reference is loaded only once the relay has delivered everything, so the relay's
    // delivery never runs beside it.
    for (let round = 1; round <= ROUNDS; round++) {
      const loadReference = async () => {
        await drained(relay);
        references.push(await measure(reference, round));
      };
      if (round % 2 === 1) await loadReference();
      relays.push(await measure(relay, round));
      if (round % 2 === 0) await loadReference();
    }
    // The relay's own count, so the figure is of leads stored, not of answers sent.
    const afterLoad = await outboxOf(relay);
    const held = ({ pending, delivered, dead }: OutboxCounts) => pending + delivered + dead;
    const stored = held(afterLoad) - held(warmedUp);
    const deliveredDuringLoad = afterLoad.delivered - warmedUp.delivered;
    // Then until every lead is at the sandbox: how much of the delivery ran during the load
    // changes the rate, so the CPU to accept and deliver each lead is the figure to compare.
    const drainStarted = performance.now();
    const pending = await drained(relay);
    const cpuToDeliver = processCpuMs(relay.child.pid!) - cpuBefore;
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const relayPeak = memoryOf(relay.child).peak;
    relay.stop();
    reference.stop();
    const rawAfter = rawInsertRate();
    const raw = (rawBefore + rawAfter) / 2;
    const bare = summed(references);
    const result = summed(relays);
    const ratios = relays.map((m, i) => m.rate / references[i]!.rate);
    const f = (n: number) => n.toFixed(1);
    const latency = (sorted: number[]) => `p50 ${f(percentile(sorted, 50))} ms, p99 ${f(percentile(sorted, 99))} ms`;
    const perLead = (ms: number, leads: number) => f((ms * 1000) / leads);
    const cpuPerLead = (server: { cpuMs: number; accepted: number }) => perLead(server.cpuMs, server.accepted);
    console.log(`leadform relay benchmark (Node ${process.version}, loopback, concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS} s each)`);
    console.log(`  raw durable inserts (WAL, synchronous=FULL, 1 row/txn): ${f(raw)} rows/s (before ${f(rawBefore)}, after ${f(rawAfter)})`);
    relays.forEach((m, i) => {
      console.log(`  round ${i + 1}: reference ${f(references[i]!.rate)}/s, relay ${f(m.rate)}/s, ratio ${ratios[i]!.toFixed(2)}`);
    });
    const rounds = `median of ${ROUNDS} rounds`;
    console.log(`  reference accepted: ${bare.accepted} in ${bare.seconds.toFixed(2)} s; ${rounds} = ${f(bare.rate)} submissions/s (${bare.failed} not 202)`);
    console.log(`  reference latency: ${latency(bare.sorted)}`);
    console.log(`  reference CPU (user+system, during the load): ${cpuPerLead(bare)} µs per accepted lead`);
    console.log(
      `  relay accepted: ${result.accepted} in ${result.seconds.toFixed(2)} s; ${rounds} = ${f(result.rate)} submissions/s (${result.failed} not 202)`,
    );
    console.log(
      `  stored in the outbox (healthz): ${stored}, of which delivered to the sandbox: ${deliveredDuringLoad} (the rounds' leads, ${CONCURRENCY} connection warm-up submissions a round included)`,
    );
    console.log(`  latency: ${latency(result.sorted)}`);
    console.log(
      `  relay CPU (user+system, during the load, delivery to the sandbox included): ${cpuPerLead(result)} µs per accepted lead (a figure other work on the machine moves less than the rate)`,
    );
    // The relay serves on one thread: its time per lead (1 / its rate) is that thread's CPU per
    // lead plus what it waits for (the disk's fsync), and the CPU is the part to cut.
    const timePerLead = (rate: number) => f(1e6 / rate);
    console.log(
      `  time per accepted lead (1 / rate), and the main thread's CPU in it: relay ${timePerLead(result.rate)} µs (${perLead(result.mainThreadMs, result.accepted)} µs CPU), reference ${timePerLead(bare.rate)} µs (${perLead(bare.mainThreadMs, bare.accepted)} µs CPU); the target: relay ≤ ${timePerLead(0.8 * bare.rate)} µs`,
    );
    console.log(
      `  load generator (this process) CPU per lead: ${perLead(result.loadCpuMs, result.accepted)} µs loading the relay, ${perLead(bare.loadCpuMs, bare.accepted)} µs loading the reference`,
    );
    console.log(
      `  relay CPU to accept and deliver every lead (the rounds, then until none is pending, ${drainSeconds.toFixed(1)} s more${pending > 0 ? `; ${pending} still pending` : ''}): ${f((cpuToDeliver * 1000) / stored)} µs per lead`,
    );
    console.log(
      `  ratio relay/reference: ${median(ratios).toFixed(2)} (target ≥ 0.80; ${rounds}, from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`,
    );
    console.log(`  ratio relay/raw: ${(result.rate / raw).toFixed(2)}`);
    console.log(`  relay RSS: idle ${f(idle.relay)} MB, peak ${f(Math.max(result.peak, relayPeak))} MB`);
    console.log(`  reference RSS: idle ${f(idle.reference)} MB, peak ${f(bare.peak)} MB`);
  } finally {
    relay.stop();
    reference.stop();
    closeLoad();
  }
} finally {
  // Give the relay a moment to close its database before its folder goes.
  await new Promise((done) => setTimeout(done, 300));
  rmSync(work, { recursive: true, force: true });
}
