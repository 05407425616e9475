/**
 * `npm run bench`: one report, printed as a markdown table, of what leadform costs and how fast it
 * goes on this machine. Prints figures; asserts nothing (byte budgets are tests, not this).
 * - the widget's files, gzipped, and the Workers bundle, gzipped;
 * - time to an interactive form and layout shift on the demo page, in Chromium;
 * - the relay's accept rate and p50/p99 latency beside the raw durable SQLite insert rate, from
 *   `scripts/bench-relay.ts` (run as it is, its output read);
 * - delivery throughput to each vendor with a documented rate limit, as a share of that limit.
 *
 * Options (environment): BENCH_PORT (default 8844, the demo relay for Chromium),
 * BENCH_LOADS (default 5 page loads), and bench-relay's own BENCH_* options.
 */
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startFaultProxy } from '../src/chaos/fault-proxy.ts';
import { startBitrix24Fake } from '../src/destinations/fakes/bitrix24.ts';
import { startLeadSquaredFake } from '../src/destinations/fakes/leadsquared.ts';
import { startNodeRelay } from '../src/runtime/node/server.ts';
import { buildWorker } from './build-worker.ts';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'leadform-bench-all-'));
const rows: [string, string, string][] = [];
const row = (measure: string, value: string, note = ''): void => void rows.push([measure, value, note]);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
const gzip = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function widgetSizes(): void {
  if (!existsSync(join(ROOT, 'dist/widget/leadform.js'))) spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  for (const file of readdirSync(join(ROOT, 'dist/widget')).filter((f) => f.endsWith('.js') || f.endsWith('.css')).sort()) {
    const path = join(ROOT, 'dist/widget', file);
    row(`widget ${file} (gzip -9)`, kb(gzip(path)), `${kb(readFileSync(path).length)} raw`);
  }
}

async function workersBundle(): Promise<void> {
  const built = await buildWorker({ outFile: join(work, 'worker.js') });
  if (!built.ok) return row('Workers bundle (gzip -9)', 'not built', built.problems.join('; '));
  row('Workers bundle (gzip -9)', kb(gzip(built.outFile)), `${kb(readFileSync(built.outFile).length)} raw, demo configuration and widget included`);
}

/** The demo relay as `npm start` runs it, on BENCH_PORT. */
async function startDemoRelay(): Promise<{ url: string; stop(): void }> {
  const port = Number(process.env.BENCH_PORT ?? 8844);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/runtime/node/index.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LEADFORM_DATA_DIR: join(work, 'demo') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((done, fail) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk;
      if (err.includes('demo at')) done();
    });
    child.once('exit', (code) => fail(new Error(`the demo relay exited with ${code}: ${err}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** Cold loads of the demo page: navigation start to a form that takes input, and its layout shift. */
async function browserFigures(): Promise<void> {
  const found = await findChromium();
  if ('missing' in found) return row('time to interactive form', 'not measured', found.missing);
  const relay = await startDemoRelay();
  const browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(found.path ? { executablePath: found.path } : {}) });
  try {
    const loads = Number(process.env.BENCH_LOADS ?? 5);
    const ready: number[] = [];
    const shifts: number[] = [];
    for (let i = 0; i < loads; i++) {
      // A new context each time: an empty cache, as a first-time visitor has.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { cls: number };
        w.cls = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) w.cls += entry.value;
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto(`${relay.url}/`);
      const name = page.locator('[data-leadform="contact"]').getByLabel('Name');
      await name.waitFor({ state: 'visible' });
      await name.focus();
      ready.push(await page.evaluate(() => performance.now()));
      await page.waitForTimeout(500);
      shifts.push(await page.evaluate(() => (window as unknown as { cls: number }).cls));
      await context.close();
    }
    row('time to interactive form, demo page (median)', `${median(ready).toFixed(0)} ms`, `${loads} cold loads on loopback, min ${Math.min(...ready).toFixed(0)} / max ${Math.max(...ready).toFixed(0)} ms`);
    row('cumulative layout shift, demo page (median)', median(shifts).toFixed(4), 'until 500 ms after the form takes input; under 0.1 is "good"');
  } finally {
    await browser.close();
    relay.stop();
  }
}

/** `scripts/bench-relay.ts`, run as it is; its figures are read from what it prints. */
function relayFigures(): void {
  const script = join(ROOT, 'scripts/bench-relay.ts');
  if (!existsSync(script)) return row('relay accept rate', 'not measured', 'scripts/bench-relay.ts is not in this tree');
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const out = run.stdout ?? '';
  const raw = /raw durable inserts[^:]*:\s*([\d.]+)/.exec(out)?.[1];
  const accepted = /relay accepted: .*?=\s*([\d.]+) submissions\/s/.exec(out)?.[1];
  const latency = /p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(out);
  const ratio = /ratio relay\/raw: ([\d.]+)/.exec(out)?.[1];
  if (!raw || !accepted || !latency) return row('relay accept rate', 'not measured', `bench-relay printed no figures (exit ${run.status}): ${(run.stderr ?? '').slice(0, 200)}`);
  const concurrency = /concurrency (\d+)/.exec(out)?.[1] ?? '?';
  row('relay accepted submissions/s (Node, loopback)', accepted, `concurrency ${concurrency}, 202 only after the durable write`);
  row('relay accept latency p50 / p99', `${latency[1]} / ${latency[2]} ms`, '');
  row('raw durable SQLite inserts/s (WAL, synchronous=FULL, 1 row/txn)', raw, 'same machine, same run');
  row('relay ÷ raw', ratio ?? (Number(accepted) / Number(raw)).toFixed(2), 'group commit lets the relay exceed one fsync per lead');
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
  const { relay } = started;
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
  widgetSizes();
  await workersBundle();
  await browserFigures();
  relayFigures();
  await deliveryFigures();
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nleadform benchmark — Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}\n`);
console.log('| Measure | Value | Notes |');
console.log('| --- | --- | --- |');
for (const [measure, value, note] of rows) console.log(`| ${measure} | ${value} | ${note} |`);
