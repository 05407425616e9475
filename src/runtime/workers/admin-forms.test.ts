/**
 * The admin forms suite against the Workers entry in real workerd (miniflare): the bundle
 * `npm run build:worker` makes, with the suite's configuration bundled in, its store forms in the
 * SQLite-backed forms Durable Object and its outbox in the outbox objects.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { adminFormsSuite, FORMS_ADMIN_TOKEN, FORMS_SUITE_CONFIG, ORIGIN } from '../../relay/testing/admin-forms-suite.ts';
import { miniflareOptions } from './miniflare-options.ts';

adminFormsSuite('workerd (forms Durable Object)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-forms-'));
  const configFile = join(dir, 'leadform.config.json');
  writeFileSync(configFile, JSON.stringify(FORMS_SUITE_CONFIG));
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const mf = new Miniflare({
    ...miniflareOptions(built.value, { LEADFORM_ADMIN_TOKEN: FORMS_ADMIN_TOKEN }),
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.resume();
      stderr.pipe(process.stderr);
    },
  });
  await mf.ready;
  return {
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('CF-Connecting-IP', '203.0.113.9');
      return (await mf.dispatchFetch(`${ORIGIN}${path}`, { ...init, headers } as never)) as unknown as Response;
    },
    async close() {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
