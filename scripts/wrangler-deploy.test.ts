/**
 * The README's Workers deploy path, run as an operator runs it: `npx wrangler deploy --dry-run`
 * against the repository's wrangler.toml, which builds the widget, the admin page and the Worker
 * itself (its `[build]` command) and then bundles what it would upload. wrangler is pinned in
 * package.json at the last release that runs on the Node versions `engines` allows (>= 20.19).
 *
 * It needs no account and no network: no Cloudflare credentials are passed, metrics and the update
 * check (the banner's) are off, and a preload refuses every connection that leaves the machine and
 * writes it down, so a wrangler that started to reach out would fail this test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

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

it('npx wrangler deploy --dry-run builds and bundles the Worker from wrangler.toml, on this Node, offline and without an account', () => {
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
  const run = spawnSync('npx', ['--no-install', 'wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
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
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.error, output).toBeUndefined();
  expect(run.status, output).toBe(0);
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
  expect(existsSync(join(ROOT, 'dist/worker/index.js'))).toBe(true);
}, 300_000);
