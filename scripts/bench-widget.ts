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
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, publicDefinition } from '../src/relay/config.ts';
import { snippetsFor } from '../src/relay/snippets.ts';
import { startNodeRelay } from '../src/runtime/node/server.ts';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';
import { catalogueOf } from '../src/relay/catalogues.ts';
import { BUILT_IN_LOCALES } from '../widget/form/i18n.ts';
import { LOADER_MAX_GZIP, MODE_MAX_GZIP, PHONE_EXTRA_MAX_GZIP, readWidgetFiles, STEPS_EXTRA_MAX_GZIP } from './widget-size.ts';

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
console.log('what the form downloads, with the largest catalogue (gzip; issue 13: 12 KB declarative, +1 KB for the popup or frame chunk):');
for (const [mode, total] of Object.entries(widget.totals)) {
  const ceiling = MODE_MAX_GZIP[mode as keyof typeof MODE_MAX_GZIP];
  console.log(
    `  ${mode.padEnd(12)} ${kb(total).padStart(9)} (target ≤ ${kb(ceiling)})  ${widget.modes[mode as keyof typeof widget.modes].join(' + ')} + words`,
  );
}
console.log(`  with the loader, the page's whole widget: declarative ${kb(widget.totals.declarative + widget.gzip('leadform.js'))}`);
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
  /** From navigation start (declarative, iframe) or from the click (popup) to an interactive form. */
  readyMs: number;
  cls: number;
  /** Bytes the page transferred until then (resource timing), for the floor. */
  bytes: number;
  /** The rendered form's height, beside the height the snippet reserved. */
  heightPx: number;
}

interface Scenario {
  mode: 'declarative' | 'popup' | 'iframe';
  form: string;
  width: number;
}

/** Slow 4G as the issue measures it: 150 ms round trip, 1.6 Mbit/s down (200,000 bytes/s), 750 kbit/s up. */
const RTT_MS = 150;
const BYTES_PER_MS = 200;
/**
 * The round trips an interactive form cannot do without, counted from where `readyMs` starts: the
 * page, the loader, then form.js with the definition (and the chunks it needs) at once; the
 * iframe adds its own page; a popup, whose form the loader starts when it sees the button, one
 * after the click at most (the bench clicks as soon as the loader has run, before those
 * downloads are done).
 */
const ROUND_TRIPS: Record<Scenario['mode'], number> = { declarative: 3, popup: 1, iframe: 4 };

const config = parseConfig(JSON.parse(readFileSync(join(ROOT, 'leadform.config.json'), 'utf8')));
if (!config.ok) throw new Error(config.problems.join('\n'));
/** The bench page: a heading, the snippet the admin API gives, and text below it that a shift would move. */
const pageFor = ({ mode, form }: Scenario) => {
  const snippets = snippetsFor(publicDefinition(form, config.value.forms[form]!), origin);
  const snippet = mode === 'iframe' ? `${snippets.iframe}\n<script async src="${origin}/v1/leadform.js"></script>` : snippets[mode];
  const below = '<p>Text below the form, which moves if the form takes more or less room than its box.</p>'.repeat(8);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>bench</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:8px}</style></head><body><h1>A page</h1>${snippet}${below}</body></html>`;
};

// The host page comes from a server of its own, another origin than the relay's, as on a real
// site, and over the same emulated network as the rest.
const host = createServer((request, response) => {
  const [, mode, form] = (request.url ?? '').split('/') as [string, Scenario['mode'], string];
  if (!config.value.forms[form]) return void response.writeHead(404).end();
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pageFor({ mode, form, width: 0 }));
});
await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
const hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

/** One cold load of the bench page for `scenario`; `throttle` emulates a slow 4G connection. */
async function sample(scenario: Scenario, throttle: boolean): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: scenario.width, height: 800 } });
  const page = await context.newPage();
  const arrived: { at: number; bytes: number }[] = [];
  page.on('requestfinished', async (request) => {
    const at = Date.now();
    const sizes = await request.sizes().catch(() => undefined);
    if (sizes) arrived.push({ at, bytes: sizes.responseHeadersSize + sizes.responseBodySize });
  });
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: RTT_MS, downloadThroughput: BYTES_PER_MS * 1000, uploadThroughput: 94_000 });
  }
  await page.addInitScript(() => {
    // In every frame: the embed page's frame tells the top one when its form is ready.
    const w = window as unknown as { bench: { ready?: number; cls: number } };
    w.bench = { cls: 0 };
    // No named function in here: tsx would wrap it in a helper the page does not have.
    document.addEventListener('leadform:ready', () => {
      if (window === top) w.bench.ready ??= performance.timeOrigin + performance.now();
      else top!.postMessage({ benchReady: performance.timeOrigin + performance.now() }, '*');
    });
    if (window === top) {
      addEventListener('message', (event) => (w.bench.ready ??= (event.data as { benchReady?: number })?.benchReady));
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
          if (!entry.hadRecentInput) w.bench.cls += entry.value;
        }
      }).observe({ type: 'layout-shift', buffered: true });
    }
  });
  await page.goto(`${hostOrigin}/${scenario.mode}/${scenario.form}`);
  let from = await page.evaluate(() => performance.timeOrigin);
  if (scenario.mode === 'popup') {
    await page.waitForFunction(() => (window as unknown as { LeadForm?: { loaded?: true } }).LeadForm?.loaded);
    from = await page.evaluate(() => performance.timeOrigin + performance.now());
    await page.locator('[data-leadform-open]').click();
  }
  await page.waitForFunction(() => (window as unknown as { bench: { ready?: number } }).bench.ready !== undefined, undefined, { timeout: 30_000 });
  // Let any late shift (fonts, a second layout) be counted.
  await page.waitForTimeout(300);
  const result = await page.evaluate((since) => {
    const { ready, cls } = (window as unknown as { bench: { ready: number; cls: number } }).bench;
    const host = document.querySelector('[data-leadform], iframe, dialog');
    return { readyMs: ready - since, ready, cls, heightPx: host?.getBoundingClientRect().height ?? 0 };
  }, from);
  // What the form waited for, the iframe's requests included (resource timing hides the sizes of
  // another origin's): the responses that arrived after the start and by the time it was ready.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const bytes = arrived.filter((response) => response.at >= from - 1 && response.at <= result.ready + 25).reduce((sum, response) => sum + response.bytes, 0);
  await context.close();
  return { readyMs: result.readyMs, cls: result.cls, heightPx: result.heightPx, bytes };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const SCENARIOS: Scenario[] = [
  { mode: 'declarative', form: 'contact', width: 1280 },
  { mode: 'declarative', form: 'contact', width: 375 },
  { mode: 'declarative', form: 'showcase', width: 1280 },
  { mode: 'declarative', form: 'showcase', width: 375 },
  { mode: 'popup', form: 'contact', width: 1280 },
  // `contact` allows only the relay's own origin to frame it (frame-ancestors 'self'); `showcase` allows any.
  { mode: 'iframe', form: 'showcase', width: 1280 },
];

try {
  await sample(SCENARIOS[0]!, false); // warm-up: Chromium's own first-run costs are not the widget's
  const runs = Math.max(3, Math.ceil(RUNS / 3));
  console.log(`\nthe bench page (a heading, the admin API's snippet, text below) in Chromium, median of ${runs} cold loads`);
  console.log(
    'unthrottled: interactive after; slow 4G (150 ms RTT, 1.6 Mbit/s): interactive after, the floor (round trips × RTT + bytes ÷ bandwidth) and the ratio (target ≤ 1.20); CLS (target 0.00)',
  );
  for (const scenario of SCENARIOS) {
    const fast: Sample[] = [];
    const slow: Sample[] = [];
    for (let i = 0; i < runs; i++) fast.push(await sample(scenario, false));
    for (let i = 0; i < runs; i++) slow.push(await sample(scenario, true));
    const ready = median(slow.map((s) => s.readyMs));
    const bytes = median(slow.map((s) => s.bytes));
    const floor = ROUND_TRIPS[scenario.mode] * RTT_MS + bytes / BYTES_PER_MS;
    const cls = Math.max(...[...fast, ...slow].map((s) => s.cls));
    console.log(
      `  ${`${scenario.mode} ${scenario.form} @${scenario.width}px`.padEnd(28)} ${`${median(fast.map((s) => s.readyMs)).toFixed(0)} ms`.padStart(7)} | ` +
        `slow 4G ${ready.toFixed(0)} ms, floor ${floor.toFixed(0)} ms (${ROUND_TRIPS[scenario.mode]} × ${RTT_MS} ms + ${(bytes / 1024).toFixed(1)} KB), ratio ${(ready / floor).toFixed(2)} (target ≤ 1.20) | ` +
        `CLS ${cls.toFixed(2)} (worst of ${fast.length + slow.length}; target 0.00) | form ${median(slow.map((s) => s.heightPx)).toFixed(0)} px`,
    );
  }
} finally {
  host.close();
  await browser.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
}
