/**
 * The Workers bundle with the example configuration (every destination type) in workerd: it
 * loads with every adapter, refuses to accept leads while a secret the configuration names is
 * not bound or the admin token is too short to keep the admin API safe, and serves once all is
 * well.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { miniflareOptions } from './miniflare-options.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/leadform.config.example.json', import.meta.url));
const SECRETS = {
  PIPEDRIVE_API_TOKEN: 'p',
  BITRIX24_WEBHOOK_URL: 'https://portal.example/rest/1/code/',
  CLOSE_API_KEY: 'c',
  LSQ_ACCESS_KEY: 'a',
  LSQ_SECRET_KEY: 's',
  CAPILLARY_OAUTH_KEY: 'k',
  CAPILLARY_OAUTH_SECRET: 's',
  LEADFORM_WEBHOOK_SECRET: 'w',
  POSTMARK_SERVER_TOKEN: 'pm',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
};

let dir: string;
let script: string;
const instances: Miniflare[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-secrets-'));
  const built = await buildWorker({ configFile: EXAMPLE, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  script = built.value;
}, 30_000);
afterAll(async () => {
  await Promise.all(instances.map((mf) => mf.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

function worker(bindings: Record<string, string>) {
  const mf = new Miniflare({
    ...miniflareOptions(script, bindings),
    handleRuntimeStdio: (out: NodeJS.ReadableStream, err: NodeJS.ReadableStream) => {
      out.resume();
      err.resume();
    },
  });
  instances.push(mf);
  return (path: string) => mf.dispatchFetch(`http://relay.test${path}`) as unknown as Promise<Response>;
}

it('refuses to accept leads while a named secret is missing, naming it, and serves once all are bound', async () => {
  const { CLOSE_API_KEY: _close, LSQ_SECRET_KEY: _lsq, ...some } = SECRETS;
  const missing = worker(some);
  const refused = await missing('/v1/forms/demo');
  expect(refused.status).toBe(503);
  expect(await refused.json()).toEqual({
    error: 'misconfigured',
    message: 'The relay is missing secret(s) CLOSE_API_KEY, LSQ_SECRET_KEY; run wrangler secret put for each, then redeploy.',
  });

  const complete = worker(SECRETS);
  const health = await complete('/healthz');
  expect(health.status).toBe(200);
  expect(((await health.json()) as { outbox: { pending: number } }).outbox.pending).toBe(0);
  expect((await complete('/v1/forms/sales-pipedrive')).status).toBe(200);
}, 60_000);

it('refuses to serve with an admin token shorter than 32 characters, naming it and the fix, and serves with a long one', async () => {
  const short = worker({ ...SECRETS, LEADFORM_ADMIN_TOKEN: 'short-admin-token' });
  const refused = await short('/v1/forms/demo');
  expect(refused.status).toBe(503);
  expect(await refused.json()).toEqual({
    error: 'misconfigured',
    message:
      'LEADFORM_ADMIN_TOKEN is 17 characters, too short to keep the admin API safe from guessing; set one of at least 32 random characters (openssl rand -hex 32 | npx wrangler secret put LEADFORM_ADMIN_TOKEN), or delete it to turn the admin API off, then redeploy.',
  });
  const long = worker({ ...SECRETS, LEADFORM_ADMIN_TOKEN: 'a'.repeat(32) });
  expect((await long('/v1/forms/demo')).status).toBe(200);
}, 60_000);
