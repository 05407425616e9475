/**
 * The Worker with an admin token too short to keep the admin API safe answers every request with
 * 503 `misconfigured` naming LEADFORM_ADMIN_TOKEN and the fix, as it does for a missing secret.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { miniflareOptions } from './miniflare-options.ts';

let dir: string;
let script: string;
const instances: Miniflare[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-admin-token-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], destination: 'inbox' } },
      destinations: { inbox: { type: 'sandbox' } },
    }),
  );
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
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

it('refuses to serve with an admin token shorter than 32 characters, naming it and the fix', async () => {
  const short = worker({ LEADFORM_ADMIN_TOKEN: 'short-admin-token' });
  const refused = await short('/v1/forms/contact');
  expect(refused.status).toBe(503);
  expect(await refused.json()).toEqual({
    error: 'misconfigured',
    message:
      'LEADFORM_ADMIN_TOKEN is 17 characters, too short to keep the admin API safe from guessing; set one of at least 32 random characters (openssl rand -hex 32 | npx wrangler secret put LEADFORM_ADMIN_TOKEN), or delete it to turn the admin API off, then redeploy.',
  });

  const long = worker({ LEADFORM_ADMIN_TOKEN: 'a'.repeat(32) });
  expect((await long('/v1/forms/contact')).status).toBe(200);
  const none = worker({});
  expect((await none('/v1/forms/contact')).status).toBe(200);
}, 60_000);
