/** The accept-path suite against the Node entry, over real HTTP to a started relay. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptPathSuite, SUITE_CONFIG } from '../../relay/testing/accept-path-suite.ts';
import { startNodeRelay } from './server.ts';

acceptPathSuite('node', async ({ turnstileVerifyUrl, env }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-suite-'));
  const started = await startNodeRelay({
    config: SUITE_CONFIG,
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    env,
    pollMs: 100,
    turnstileVerifyUrl,
    log: () => {},
  });
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
