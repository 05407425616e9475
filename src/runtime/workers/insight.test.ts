/**
 * The insight suite against the Workers entry in the real workerd runtime (miniflare): the events
 * route counting into the per-form Durable Object, the stats reading its counters and the
 * destinations' outbox objects.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { insightSuite } from '../../relay/insight/insight-suite.ts';
import { SUITE_CONFIG } from '../../relay/testing/accept-path-suite.ts';
import { miniflareOptions } from './miniflare-options.ts';

insightSuite('workerd', async ({ env }) => {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-insight-'));
  const configFile = join(dir, 'leadform.config.json');
  writeFileSync(configFile, JSON.stringify(SUITE_CONFIG));
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const mf = new Miniflare({
    ...miniflareOptions(built.value, env),
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
      headers.set('CF-Connecting-IP', '203.0.113.8');
      return (await mf.dispatchFetch(`http://relay.test${path}`, { ...init, headers } as never)) as unknown as Response;
    },
    async close() {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
