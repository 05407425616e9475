/**
 * The Workers entry in the real workerd runtime (miniflare), for the suites every runtime runs:
 * the bundle `npm run build:worker` makes, with `config` bundled in, its Durable Objects SQLite-backed,
 * each request arriving from `clientIp` as Cloudflare's edge tells it (`CF-Connecting-IP`).
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorker } from '../../../scripts/build-worker.ts';
import type { RelayUnderTest } from '../../relay/testing/accept-path-suite.ts';
import { miniflareOptions } from './miniflare-options.ts';

export async function startWorkerd(config: unknown, bindings: Record<string, string>, clientIp: string): Promise<RelayUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-'));
  const configFile = join(dir, 'leadform.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const mf = new Miniflare({
    ...miniflareOptions(built.value, bindings),
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
      headers.set('CF-Connecting-IP', clientIp);
      const response = await mf.dispatchFetch(`http://relay.test${path}`, { ...init, headers } as never);
      return response as unknown as Response;
    },
    async close() {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
