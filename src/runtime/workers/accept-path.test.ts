/**
 * The accept-path suite against the Workers entry in the real workerd runtime (miniflare): the
 * bundle `npm run build:worker` makes, with the suite's configuration bundled in, its outbox in
 * SQLite-backed Durable Objects delivering from their alarms.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { acceptPathSuite, SUITE_CONFIG } from '../../relay/testing/accept-path-suite.ts';
import { miniflareOptions } from './miniflare-options.ts';

acceptPathSuite('workerd', async ({ turnstileVerifyUrl, env }) => {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-suite-'));
  const configFile = join(dir, 'leadform.config.json');
  writeFileSync(configFile, JSON.stringify(SUITE_CONFIG));
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const mf = new Miniflare({
    ...miniflareOptions(built.value, { ...env, LEADFORM_TURNSTILE_VERIFY_URL: turnstileVerifyUrl }),
    // The Worker's JSON log lines go to workerd's stdout; keep the test output readable.
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.resume();
      stderr.pipe(process.stderr);
    },
  });
  await mf.ready;
  return {
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      // What Cloudflare's edge sets on every request: the visitor's address.
      headers.set('CF-Connecting-IP', '203.0.113.7');
      const response = await mf.dispatchFetch(`http://relay.test${path}`, { ...init, headers } as never);
      return response as unknown as Response;
    },
    async close() {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
