/**
 * A relay of a test's own, for browser tests whose configuration differs from the demo's: the
 * Node relay as `npm start` runs it, on a free port, with its own data folder, logging nothing.
 * Each test starts its own, so tests stay independent and run in parallel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLog } from '../src/relay/log.ts';
import { type NodeRelayOptions, startNodeRelay } from '../src/runtime/node/server.ts';

export interface OwnRelay {
  /** e.g. "http://localhost:41234" */
  url: string;
  /** Stops the relay and deletes its data folder. */
  close(): Promise<void>;
}

export async function startOwnRelay(config: unknown, options: Omit<NodeRelayOptions, 'config'> = {}): Promise<OwnRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-e2e-'));
  const started = await startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir, log: silentLog, ...options });
  if (!started.ok) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(started.problems.join('\n'));
  }
  const { value: relay } = started;
  return {
    url: relay.url,
    close: async () => {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
