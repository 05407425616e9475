/**
 * The README's Workers deploy path: `npx wrangler deploy --dry-run` with the repository's
 * wrangler.toml, bundling what it would upload. wrangler is pinned in package.json at the last
 * release that runs on the Node versions `engines` allows (>= 20.19).
 *
 * The file's `[build]` command (`npm run build && npm run build:worker`) would rewrite dist/ while
 * other test files read it, so this test builds the Worker into its own folder with the same
 * `buildWorker` and hands wrangler the same file with only `main` pointing there and `[build]` left
 * out: the bindings, migrations and settings wrangler checks are the repository's own.
 *
 * It needs no account and no network: no Cloudflare credentials are passed, metrics and the update
 * check (the banner's) are off, and a preload refuses every connection that leaves the machine and
 * writes it down, so a wrangler that started to reach out would fail this test.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { buildWorker } from './build-worker.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'leadform-wrangler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Refuses, and records, every TCP connection to a host other than this machine. */
const NO_NETWORK = `
import net from 'node:net';
import { appendFileSync } from 'node:fs';
const connect = net.Socket.prototype.connect;
const local = (host) => host === undefined || host === 'localhost' || host === '::1' || /^127\\./.test(host);
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = first !== null && typeof first === 'object' ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (!options.path && !local(options.host)) {
    appendFileSync(process.env.LEADFORM_NETWORK_LOG, options.host + ':' + options.port + '\\n');
    const refused = Object.assign(new Error('connect ECONNREFUSED (network refused by the test)'), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(refused));
    return this;
  }
  return connect.apply(this, args);
};
`;

/** The repository's wrangler.toml, its Worker built into `dir`, without the `[build]` step. */
async function wranglerConfig(): Promise<string> {
  const built = await buildWorker({ outFile: join(dir, 'worker', 'index.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  // The section runs to the next header: its lines may hold `[` too (`watch_dir = ["src", …]`), and
  // one left behind is an unexpected top-level field, whose warning makes wrangler look for an update online.
  const withoutBuild = toml.replace(/^\[build\]\n(?:(?!\[)[^\n]*\n)*/m, '');
  expect(withoutBuild).not.toContain('watch_dir');
  expect(withoutBuild).not.toBe(toml);
  const pointed = withoutBuild.replace(/^main = .*$/m, `main = ${JSON.stringify(built.value)}`);
  expect(pointed).toContain(built.value);
  const file = join(dir, 'wrangler.toml');
  writeFileSync(file, pointed);
  return file;
}

it('npx wrangler deploy --dry-run bundles the Worker with the repository wrangler.toml, on this Node, offline and without an account', async () => {
  const config = await wranglerConfig();
  const preload = join(dir, 'no-network.mjs');
  const networkLog = join(dir, 'network.log');
  const outdir = join(dir, 'out');
  writeFileSync(preload, NO_NETWORK);
  writeFileSync(networkLog, '');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of an account reaches wrangler, and nothing of this test run's own Node options.
    if (value !== undefined && !/^(CLOUDFLARE_|CF_)/.test(key) && key !== 'NODE_OPTIONS' && !key.startsWith('VITEST')) env[key] = value;
  }
  // Asynchronous, so the test worker keeps answering its runner while wrangler works.
  const run = await promisify(execFile)('npx', ['--no-install', 'wrangler', 'deploy', '--dry-run', '--config', config, '--outdir', outdir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...env,
      NODE_OPTIONS: `--import ${preload}`,
      LEADFORM_NETWORK_LOG: networkLog,
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      WRANGLER_LOG_PATH: join(dir, 'logs'),
      npm_config_update_notifier: 'false',
    },
  });
  // execFile rejects on a non-zero exit, with wrangler's output in the error.
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output).toContain('--dry-run: exiting now.');
  // Both Durable Object bindings are declared to Cloudflare.
  expect(output).toMatch(/env\.OUTBOX \(OutboxObject\)\s+Durable Object/);
  expect(output).toMatch(/env\.RATE_LIMITER \(RateLimiterObject\)\s+Durable Object/);
  expect(readFileSync(networkLog, 'utf8')).toBe('');
  // The bundle it would upload: the Worker's one module, exporting its Durable Object classes.
  expect(readdirSync(outdir)).toContain('index.js');
  const bundle = join(outdir, 'index.js');
  expect(statSync(bundle).size).toBeGreaterThan(10_000);
  const source = readFileSync(bundle, 'utf8');
  expect(source).toMatch(/OutboxObject/);
  expect(source).toMatch(/RateLimiterObject/);
}, 300_000);
