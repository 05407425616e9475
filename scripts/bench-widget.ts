/**
 * `npm run bench:widget`: what the widget costs a host page, in figures.
 * - Sizes of every shipped file: raw, gzip and brotli, and what the form downloads in total.
 * - The bytes on the wire per embed mode as the relay on Node serves them (compressed, with the
 *   Accept-Encoding Chromium sends), beside the raw and gzip totals.
 * - In real Chromium against the real relay on Node (fresh browser context per run, so nothing
 *   is cached): the time from the loader script's request to an interactive form (the
 *   `leadform:ready` event, fired once the form has rendered), and the cumulative layout shift
 *   (CLS) of the demo page, median of BENCH_RUNS runs (default 9; 0 prints the sizes alone), unthrottled and on an
 *   emulated slow 4G connection.
 * Prints figures only: budgets are enforced by widget/size.test.ts, never by timing.
 */
import { chromium } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeRelay } from '../src/runtime/node/server.ts';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';
import { catalogueOf } from '../src/relay/catalogues.ts';
import { BUILT_IN_LOCALES } from '../widget/form/i18n.ts';
import { CONTACT_BEFORE_GZIP, FORM_MAX_GZIP, LOADER_MAX_GZIP, PHONE_EXTRA_MAX_GZIP, readWidgetFiles, STEPS_EXTRA_MAX_GZIP } from './widget-size.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist', 'widget');

// `npm run build` empties dist/widget first, so no chunk of an earlier build is counted.
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) process.exit(built.status ?? 1);

// Sizes.
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const widget = readWidgetFiles(DIST);
console.log('\nwidget files (dist/widget)');
console.log(`${'file'.padEnd(22)}${'raw'.padStart(11)}${'gzip'.padStart(11)}${'brotli'.padStart(11)}`);
for (const name of Object.keys(widget.files).sort()) {
  console.log(`${name.padEnd(22)}${kb(widget.files[name]!.length).padStart(11)}${kb(widget.gzip(name)).padStart(11)}${kb(widget.brotli(name)).padStart(11)}`);
}
console.log(`\nloader, on every page: ${kb(widget.gzip('leadform.js'))} gzip (ceiling ${kb(LOADER_MAX_GZIP)})`);
console.log(`what the form downloads, with the largest catalogue (ceiling ${kb(FORM_MAX_GZIP)} gzip):`);
for (const [mode, total] of Object.entries(widget.totals)) {
  console.log(`  ${mode.padEnd(12)} ${kb(total).padStart(9)}  ${widget.modes[mode as keyof typeof widget.modes].join(' + ')} + words`);
}
console.log('a plain form (contact) before the form engine: the ceiling of the above (gzip)');
for (const [mode, before] of Object.entries(CONTACT_BEFORE_GZIP)) {
  const now = widget.totals[mode as keyof typeof CONTACT_BEFORE_GZIP];
  console.log(`  ${`before, ${mode}`.padEnd(21)} ${kb(before).padStart(9)}  now ${kb(now)} (${now <= before ? '' : '+'}${now - before} bytes)`);
}
console.log('what the form engine adds, only for forms that use it (gzip):');
console.log(
  `  ${'steps+conditions'.padEnd(16)} ${kb(widget.extras.steps).padStart(9)}  ${widget.engine.steps.join(' + ')} (ceiling ${kb(STEPS_EXTRA_MAX_GZIP)})`,
);
console.log(`  ${'phone'.padEnd(16)} ${kb(widget.extras.phone).padStart(9)}  ${widget.engine.phone.join(' + ')} (ceiling ${kb(PHONE_EXTRA_MAX_GZIP)})`);

// The relay on Node, for the bytes on the wire and the browser figures.
const dataDir = mkdtempSync(join(tmpdir(), 'leadform-bench-'));
const started = await startNodeRelay({
  config: JSON.parse(readFileSync(join(ROOT, 'leadform.config.json'), 'utf8')),
  port: 0,
  hostname: '127.0.0.1',
  dataDir,
  log: () => undefined,
});
if (!started.ok) throw new Error(started.problems.join('\n'));
const relay = started.value;
const origin = `http://127.0.0.1:${(relay.server.address() as AddressInfo).port}`;

/** What Chromium sends; node:http, unlike fetch, hands over the body as it came, still encoded. */
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';
const onTheWire = (path: string) =>
  new Promise<{ bytes: number; encoding: string }>((done, fail) => {
    get(`${origin}${path}`, { headers: { 'Accept-Encoding': ACCEPT_ENCODING } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () =>
        response.statusCode === 200
          ? done({ bytes, encoding: response.headers['content-encoding'] ?? 'identity' })
          : fail(new Error(`${path}: HTTP ${response.statusCode}`)),
      );
    }).on('error', fail);
  });
const wire: Record<string, { bytes: number; encoding: string }> = {};
for (const name of Object.keys(widget.files)) wire[name] = await onTheWire(name === 'leadform.js' ? '/v1/leadform.js' : `/v1/widget/${name}`);
// The words come inside the definition (`?locale=`): the largest catalogue, at its gzip size in the gzip and wire columns.
const largestWords = Math.max(...Object.values(widget.catalogues));
const largestWordsRaw = Math.max(...BUILT_IN_LOCALES.map((language) => JSON.stringify({ catalogue: { language, messages: catalogueOf(language) } }).length));
const largest = (size: (name: string) => number) => (size === raw ? largestWordsRaw : largestWords);
const sum = (names: string[], size: (name: string) => number) =>
  names.reduce((total, name) => total + (widget.files[name] ? size(name) : 0), 0) + largest(size);
const raw = (name: string) => widget.files[name]!.length;
const sent = (name: string) => wire[name]!.bytes;
const encodings = [...new Set(Object.values(wire).map((w) => w.encoding))].join(', ');
console.log(`\nbytes on the wire per embed mode, as the relay on Node serves them (Accept-Encoding: ${ACCEPT_ENCODING}; answered ${encodings})`);
console.log(`${'mode'.padEnd(14)}${'raw'.padStart(11)}${'gzip -9'.padStart(11)}${'on the wire'.padStart(14)}`);
console.log(
  `${'loader'.padEnd(14)}${kb(raw('leadform.js')).padStart(11)}${kb(widget.gzip('leadform.js')).padStart(11)}${kb(sent('leadform.js')).padStart(14)}`,
);
for (const [mode, names] of Object.entries(widget.modes)) {
  console.log(`${mode.padEnd(14)}${kb(sum(names, raw)).padStart(11)}${kb(sum(names, widget.gzip)).padStart(11)}${kb(sum(names, sent)).padStart(14)}`);
}

// Timing and layout shift, in Chromium against the relay on Node.
const found = RUNS > 0 ? await findChromium() : { missing: 'BENCH_RUNS=0' };
if ('missing' in found) {
  console.log(`\nno browser figures: ${found.missing}`);
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
const browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(found.path ? { executablePath: found.path } : {}) });

interface Sample {
  readyMs: number;
  fromNavigationMs: number;
  cls: number;
  /** The rendered form's height, to compare with the box the loader reserved. */
  heightPx: number;
}

/** One cold load of the demo page; `throttle` emulates a slow 4G connection. */
async function sample(throttle: boolean): Promise<Sample> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // Roughly "slow 4G": 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 94_000 });
  }
  await page.addInitScript(() => {
    const w = window as unknown as { bench: { ready?: number; cls: number } };
    w.bench = { cls: 0 };
    document.addEventListener('leadform:ready', () => (w.bench.ready ??= performance.now()));
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) w.bench.cls += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { bench: { ready?: number } }).bench.ready !== undefined, undefined, { timeout: 30_000 });
  // Let any late shift (fonts, a second layout) be counted.
  await page.waitForTimeout(300);
  const result = await page.evaluate(() => {
    const { ready, cls } = (window as unknown as { bench: { ready: number; cls: number } }).bench;
    const script = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('/v1/leadform.js'))!;
    const heightPx = document.querySelector('[data-leadform]')!.getBoundingClientRect().height;
    return { readyMs: ready - script.startTime, fromNavigationMs: ready, cls, heightPx };
  });
  await context.close();
  return result;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

try {
  await sample(false); // warm-up: Chromium's own first-run costs are not the widget's
  for (const [label, throttle, runs] of [
    ['unthrottled', false, RUNS],
    ['slow 4G (150 ms RTT, 1.6 Mbit/s)', true, Math.max(3, Math.ceil(RUNS / 3))],
  ] as const) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await sample(throttle));
    console.log(`\ndemo page in Chromium, ${label}, median of ${runs} cold loads`);
    console.log(`  loader request → interactive form:  ${median(samples.map((s) => s.readyMs)).toFixed(0)} ms`);
    console.log(`  navigation start → interactive form: ${median(samples.map((s) => s.fromNavigationMs)).toFixed(0)} ms`);
    console.log(
      `  cumulative layout shift (CLS):       ${median(samples.map((s) => s.cls)).toFixed(4)} (worst ${Math.max(...samples.map((s) => s.cls)).toFixed(4)})`,
    );
    console.log(`  form height: ${median(samples.map((s) => s.heightPx)).toFixed(0)} px (the loader reserves 28rem = 448 px before it renders)`);
  }
} finally {
  await browser.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
}
