/** The insight suite against the Node entry, over real HTTP to a started relay with its SQLite files on disk. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insightSuite } from '../../relay/insight/insight-suite.ts';
import { SUITE_CONFIG } from '../../relay/testing/accept-path-suite.ts';
import { startNodeRelay } from './server.ts';

insightSuite('node', async ({ env }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-insight-'));
  const started = await startNodeRelay({ config: SUITE_CONFIG, port: 0, hostname: '127.0.0.1', dataDir, env, pollMs: 100, log: () => {} });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  const { value: relay } = started;
  return {
    request: (path, init) => fetch(`${relay.url}${path}`, init),
    async close() {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
