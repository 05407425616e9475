/**
 * `npm run bench`: one report, printed as a markdown table, of what leadform costs and how fast it
 * goes on this machine. Prints figures; asserts nothing (byte budgets are tests, not this).
 * - the widget's files gzipped, time to an interactive form and layout shift on the demo page in
 *   Chromium, from `scripts/bench-widget.ts` (run as it is, its output read);
 * - the Workers bundle, gzipped;
 * - the relay's accept rate and p50/p99 latency beside the raw durable SQLite insert rate, from
 *   `scripts/bench-relay.ts` (run as it is, its output read);
 * - /healthz's stats and the admin list's first and a deep page over a million outbox rows, from
 *   `scripts/bench-outbox.ts` (likewise);
 * - delivery throughput to each vendor with a documented rate limit, as a share of that limit;
 * - how fast a paced destination whose calls hang drains, as a share of its pace, from
 *   `scripts/bench-drain.ts` (run as it is; BENCH_DRAIN_LEADS, default 20000, sets its size);
 * - speed to lead: from the 202 to an alert's acceptance by SMTP and by Slack, from
 *   `scripts/bench-alerts.ts` (run as it is);
 * - the funnel beacons: their throughput on Node, and the accept rate with beacons flowing beside
 *   it against the rate without, from `scripts/bench-insight.ts` (run as it is).
 *
 * Options (environment): those of bench-widget (BENCH_RUNS, default 5 here) and bench-relay.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startFaultProxy } from '../src/chaos/fault-proxy.ts';
import { startBitrix24Fake } from '../src/destinations/fakes/bitrix24.ts';
import { startLeadSquaredFake } from '../src/destinations/fakes/leadsquared.ts';
import { startNodeRelay } from '../src/runtime/node/server.ts';
import { buildWorker } from './build-worker.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'leadform-bench-all-'));
const rows: [string, string, string][] = [];
const row = (measure: string, value: string, note = ''): void => void rows.push([measure, value, note]);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
const gzip = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/**
 * `scripts/bench-widget.ts`, run as it is: the widget's files gzipped, what each embed mode
 * downloads (and sends on the wire), and, on a page with text below the admin API's snippet,
 * the time to an interactive form beside its floor, and the layout shift, each with its target.
 */
function widgetFigures(): void {
  const script = join(ROOT, 'scripts/bench-widget.ts');
  if (!existsSync(script)) {
    row('widget', 'not measured', 'scripts/bench-widget.ts is not in this tree');
    return;
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', env: { BENCH_RUNS: '5', ...process.env } });
  const out = run.stdout ?? '';
  const files = [...out.matchAll(/^(\S+\.js)\s+([\d.]+ KB)\s+([\d.]+ KB)\s+([\d.]+ KB)$/gm)];
  for (const [, file, raw, gz] of files) row(`widget ${file} (gzip)`, gz!, `${raw} raw`);
  const loader = /^loader, on every page: ([\d.]+ KB) gzip \(ceiling ([\d.]+ KB)\)/m.exec(out);
  if (loader) row('loader (gzip)', loader[1]!, `target ≤ ${loader[2]} (size test)`);
  for (const [, mode, total, ceiling, parts] of out.matchAll(/^ {2}(declarative|popup|iframe)\s+([\d.]+ KB) \(target ≤ ([\d.]+ KB)\)\s+(.+)$/gm))
    row(`form download, ${mode} mode (gzip)`, total!, `target ≤ ${ceiling} (issue 13; the size test's ceiling); ${parts}`);
  const whole = /^ {2}with the loader, the page's whole widget: declarative ([\d.]+ KB)/m.exec(out);
  if (whole) row('the whole widget with the loader, declarative (gzip)', whole[1]!, 'every page with a form: loader + the above');
  for (const [, chunk, total, parts] of out.matchAll(/^ {2}(steps\+conditions|phone)\s+([\d.]+ KB)\s+(.+)$/gm))
    row(`form engine, ${chunk} chunks (gzip)`, total!, parts!);
  // The wire table: a row per embed mode, its raw, gzip -9 and on-the-wire totals.
  for (const [, mode, raw, gz, wire] of out.matchAll(/^(loader|declarative|popup|iframe)\s+([\d.]+ KB)\s+([\d.]+ KB)\s+([\d.]+ KB)$/gm))
    row(`on the wire, ${mode}`, wire!, `${raw} raw, ${gz} gzip -9, as the relay on Node serves it`);
  for (const [, scenario, fast, slow, floor, terms, ratio, ratioTarget, cls, clsNote] of out.matchAll(
    /^ {2}(\S+ \S+ @\d+px)\s+(\d+) ms \| slow 4G (\d+) ms, floor (\d+) ms \(([^)]*)\), ratio ([\d.]+) \(target ≤ ([\d.]+)\) \| CLS ([\d.]+) \(([^)]*)\)/gm,
  )) {
    row(`interactive, ${scenario}, slow 4G (median)`, `${slow} ms`, `floor ${floor} ms (${terms}); ${fast} ms unthrottled`);
    row(`interactive ÷ floor, ${scenario}`, ratio!, `target ≤ ${ratioTarget}`);
    row(`layout shift (CLS), ${scenario}`, cls!, clsNote!);
  }
  if (!files.length) row('widget', 'not measured', `bench-widget printed no figures (exit ${run.status}): ${(run.stderr ?? '').slice(0, 200)}`);
}

async function workersBundle(): Promise<void> {
  const built = await buildWorker({ outFile: join(work, 'worker.js') });
  if (!built.ok) {
    row('Workers bundle (gzip -9)', 'not built', built.problems.join('; '));
    return;
  }
  row('Workers bundle (gzip -9)', kb(gzip(built.value)), `${kb(readFileSync(built.value).length)} raw, demo configuration and widget included`);
}

/** `scripts/bench-relay.ts`, run as it is; its figures are read from what it prints. */
function relayFigures(): void {
  const script = join(ROOT, 'scripts/bench-relay.ts');
  if (!existsSync(script)) {
    row('relay accept rate', 'not measured', 'scripts/bench-relay.ts is not in this tree');
    return;
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const out = run.stdout ?? '';
  const raw = /raw durable inserts[^:]*:\s*([\d.]+)/.exec(out)?.[1];
  const accepted = /relay accepted: .*?=\s*([\d.]+) submissions\/s/.exec(out)?.[1];
  const reference = /reference accepted: .*?=\s*([\d.]+) submissions\/s/.exec(out)?.[1];
  // The relay's own latency line (the reference's comes first, prefixed).
  const latency = /^ {2}latency: p50 ([\d.]+) ms, p99 ([\d.]+) ms/m.exec(out);
  const ratio = /ratio relay\/raw: ([\d.]+)/.exec(out)?.[1];
  const ofReference = /ratio relay\/reference: ([\d.]+)/.exec(out)?.[1];
  const cpu = /relay CPU to accept and deliver every lead[^:]*: ([\d.]+) µs per lead/.exec(out)?.[1];
  const referenceCpu = /reference CPU[^:]*: ([\d.]+) µs/.exec(out)?.[1];
  const rss = /relay RSS: idle ([\d.]+) MB, peak ([\d.]+) MB/.exec(out);
  const referenceRss = /reference RSS: idle ([\d.]+) MB, peak ([\d.]+) MB/.exec(out);
  const delivered = /stored in the outbox \(healthz\): (\d+), of which delivered to the sandbox: (\d+)/.exec(out);
  if (!raw || !accepted || !latency) {
    row('relay accept rate', 'not measured', `bench-relay printed no figures (exit ${run.status}): ${(run.stderr ?? '').slice(0, 200)}`);
    return;
  }
  const concurrency = /concurrency (\d+)/.exec(out)?.[1] ?? '?';
  row(
    'relay accepted submissions/s (Node, loopback)',
    accepted,
    `concurrency ${concurrency}, 202 only after the durable write, delivery to the sandbox running${delivered ? ` (${delivered[2]} of ${delivered[1]} delivered by the end of the load)` : ''}`,
  );
  if (reference) row('bare reference endpoint, submissions/s', reference, 'Hono + zod + better-sqlite3, same pragmas, 2 ms group commit; same run');
  if (ofReference) row('relay ÷ reference', ofReference, 'target ≥ 0.80 (issue 13)');
  row('relay accept latency p50 / p99', `${latency[1]} / ${latency[2]} ms`, '');
  if (cpu) row('relay CPU per lead, accepted and delivered', `${cpu} µs`, referenceCpu ? `reference: ${referenceCpu} µs to accept one` : '');
  if (rss)
    row(
      'relay RSS, idle / peak',
      `${rss[1]} / ${rss[2]} MB`,
      referenceRss ? `reference: ${referenceRss[1]} / ${referenceRss[2]} MB; the relay runs compiled JavaScript (npm start)` : '',
    );
  row('raw durable SQLite inserts/s (WAL, synchronous=FULL, 1 row/txn)', raw, 'same machine, same run');
  row('relay ÷ raw', ratio ?? (Number(accepted) / Number(raw)).toFixed(2), 'accepts per second over one-row durable inserts per second');
}

/** `scripts/bench-outbox.ts`, run as it is: /healthz's stats and the admin list over a million rows. */
function outboxFigures(): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench-outbox.ts')], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const out = run.stdout ?? '';
  const count = /rows: (\d+)/.exec(out)?.[1];
  const figures = [...out.matchAll(/^ {2}(healthz stats|admin list, [^:]+): ([\d.]+ ms)/gm)];
  if (!count || !figures.length) {
    row('outbox at scale', 'not measured', `bench-outbox printed no figures (exit ${run.status}): ${(run.stderr ?? '').slice(0, 200)}`);
    return;
  }
  for (const [, measure, value] of figures) row(`${measure} (SQLite, ${count} rows, median)`, value!, 'target 10 ms');
}

/** `scripts/bench-alerts.ts`, run as it is: from the 202 to the SMTP server's and Slack's acceptance. */
function alertFigures(): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench-alerts.ts')], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const out = run.stdout ?? '';
  const how = /speed to lead: (.+)/.exec(out)?.[1] ?? '';
  const figures = [...out.matchAll(/^ {2}(email \(SMTP\)|slack): (p50 .+? max \d+ ms) \((.+)\)$/gm)];
  if (!figures.length) row('speed to lead', 'not measured', `bench-alerts printed no figures (exit ${run.status}): ${(run.stderr ?? '').slice(0, 200)}`);
  for (const [, to, value, note] of figures) row(`speed to lead: 202 → ${to} acceptance`, value!, `${how}; ${note}`);
}

/** `scripts/bench-insight.ts`, run as it is: beacon throughput, and the accept rate with and without beacons beside it. */
function insightFigures(): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench-insight.ts')], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const out = run.stdout ?? '';
  const throughput = /^beacon throughput: (\d+ events\/s) \((.+)\)$/m.exec(out);
  const ratio = /^accept ratio with\/without beacons: ([\d.]+) \(target ≥ ([\d.]+);/m.exec(out);
  if (!throughput || !ratio) {
    row('funnel beacons', 'not measured', `bench-insight printed no figures (exit ${run.status}): ${(run.stderr ?? '').slice(0, 200)}`);
    return;
  }
  const how = /^insight: (.+)$/m.exec(out)?.[1] ?? '';
  row('beacon throughput (Node)', throughput[1]!, `${throughput[2]}; ${how}`);
  const without = /^accept rate without beacons: (.+)$/m.exec(out)?.[1] ?? '';
  const beside = /^accept rate with beacons: (.+)$/m.exec(out)?.[1] ?? '';
  row('accept rate with beacons / without', ratio[1]!, `target ≥ ${ratio[2]}; with: ${beside}; without: ${without}`);
  const cpu = /^relay CPU per accepted lead: (.+)$/m.exec(out)?.[1];
  if (cpu) row('relay CPU per lead, alone / beside beacons', cpu.replace(/ \(.*$/, ''), "the beacons' own CPU taken out; medians of the rounds");
}

/** `scripts/bench-drain.ts`, run as it is: a paced destination whose calls hang drains at its pace. */
function drainFigures(): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench-drain.ts')], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const out = run.stdout ?? '';
  const share = /drain share of pace: ([\d.]+) \(target ≥ ([\d.]+)\)/.exec(out);
  const how = /^drain: (.+)$/m.exec(out)?.[1] ?? '';
  const rate = /^first attempts: (.+)$/m.exec(out)?.[1] ?? '';
  if (!share)
    row('hanging destination drain ÷ pace', 'not measured', `bench-drain printed no figures (exit ${run.status}): ${(run.stderr ?? '').slice(0, 200)}`);
  else row('hanging destination drain ÷ pace', share[1]!, `target ≥ ${share[2]}; ${how}; ${rate}`);
}

/**
 * Delivery to each vendor that documents its limit: leads queued at once, delivered through the
 * real adapter to its fake, the calls timed as they arrive. The share is the sustained rate over
 * the documented limit; the busiest window shows the limit is never passed.
 */
async function deliveryFigures(): Promise<void> {
  const lsq = await startLeadSquaredFake();
  const bitrix = await startBitrix24Fake();
  const noFaults = { rate: 0, weights: {}, isCreate: () => false, inject: () => {}, slowMs: 0 };
  const lsqProxy = await startFaultProxy(lsq.url, noFaults, Math.random);
  const bitrixProxy = await startFaultProxy(bitrix.url, noFaults, Math.random);
  const fields = [
    { name: 'name', type: 'text', required: true },
    { name: 'email', type: 'email', required: true },
  ];
  const started = await startNodeRelay({
    config: {
      forms: { lsq: { fields, minFillMs: 0, destination: 'lsq' }, b24: { fields, minFillMs: 0, destination: 'b24' } },
      destinations: { lsq: { type: 'leadsquared', ...lsq.options, baseUrl: lsqProxy.url }, b24: { type: 'bitrix24', ...bitrix.options } },
      limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
    },
    port: 0,
    hostname: '127.0.0.1',
    dataDir: join(work, 'delivery'),
    pollMs: 100,
    env: { ...lsq.env, BITRIX24_WEBHOOK_URL: bitrix.env.BITRIX24_WEBHOOK_URL!.replace(bitrix.url, bitrixProxy.url) },
    log: () => {},
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  const { value: relay } = started;
  const vendors = [
    { form: 'lsq', name: 'LeadSquared', leads: 75, limit: { calls: 25, perMs: 5000 }, doc: '25 calls / 5 s', proxy: lsqProxy },
    { form: 'b24', name: 'Bitrix24', leads: 30, limit: { calls: 2, perMs: 1000 }, doc: '2 requests/s sustained (leaky bucket, burst 50)', proxy: bitrixProxy },
  ];
  try {
    for (const vendor of vendors) {
      for (let i = 0; i < vendor.leads; i++) {
        const response = await fetch(`${relay.url}/v1/forms/${vendor.form}/submissions`.replace('localhost', '127.0.0.1'), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ fields: { name: `Bench ${i}`, email: `bench.${vendor.form}.${i}@example.com` }, meta: { fillMs: 3000 } }),
        });
        if (response.status !== 202) throw new Error(`the relay answered ${response.status}`);
      }
    }
    for (const until = Date.now() + 120_000; Date.now() < until; ) {
      const stats = await relay.store.stats();
      if (stats.pending === 0) break;
      await new Promise((done) => setTimeout(done, 200));
    }
    for (const vendor of vendors) {
      const times = vendor.proxy.arrivals;
      const seconds = (times.at(-1)! - times[0]!) / 1000;
      // The sustained rate: calls in the whole windows since the first call (a paced destination
      // sends in bursts, so the last, partial window would overstate it).
      const windows = Math.max(1, Math.floor((seconds * 1000) / vendor.limit.perMs));
      const inWindows = times.filter((t) => t < times[0]! + windows * vendor.limit.perMs).length;
      const rate = inWindows / ((windows * vendor.limit.perMs) / 1000);
      const limitRate = vendor.limit.calls / (vendor.limit.perMs / 1000);
      let busiest = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= vendor.limit.perMs) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      row(
        `delivery to ${vendor.name}: calls/s (share of its limit)`,
        `${rate.toFixed(2)} (${((rate / limitRate) * 100).toFixed(0)} %)`,
        `limit ${vendor.doc}; ${vendor.leads} leads in ${times.length} calls over ${seconds.toFixed(1)} s; busiest ${vendor.limit.perMs / 1000} s window (as the calls arrived) ${busiest} calls`,
      );
    }
  } finally {
    await relay.close();
    await Promise.all([lsqProxy.close(), bitrixProxy.close(), lsq.close(), bitrix.close()]);
  }
}

try {
  widgetFigures();
  await workersBundle();
  relayFigures();
  outboxFigures();
  alertFigures();
  drainFigures();
  insightFigures();
  await deliveryFigures();
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nleadform benchmark — Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}\n`);
console.log('| Measure | Value | Notes |');
console.log('| --- | --- | --- |');
for (const [measure, value, note] of rows) console.log(`| ${measure} | ${value} | ${note} |`);
