/**
 * Chaos on Cloudflare Workers: the bundle `npm run build:worker` makes, run in the real workerd
 * runtime through miniflare with its Durable Objects persisted on disk, delivering from their
 * alarms. workerd is SIGKILLed (found by its process id among this process's children) and started
 * again on the same storage, as a crashed edge isolate would be. The Durable Objects' storage is
 * only readable through the Worker, so the final states come from the admin API.
 */
import { Miniflare } from 'miniflare';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorker } from '../../scripts/build-worker.ts';
import { miniflareOptions } from '../runtime/workers/miniflare-options.ts';
import type { ChaosRuntime, HarnessSetup, RelayHarness } from './runner.ts';
import type { FinalState } from './scenario.ts';

/** The workerd processes this process started (miniflare spawns them), by process id. */
export function workerdChildren(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim();
    for (const pid of children ? children.split(/\s+/).map(Number) : []) {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'workerd') pids.push(pid);
    }
  }
  return pids;
}

export const workersRuntime: ChaosRuntime = {
  title: 'Workers (bundle in workerd via miniflare, Durable Object alarms, workerd SIGKILLed and restarted)',
  folder: 'workerd',
  crashed: 'workerd',
  kept: 'Durable Object storage',
  tag: 'w',
  concurrency: 6,
  gapMs: 150,
  killAfterMs: { least: 2000, spread: 5000 },
  drainMs: 120_000,
  drainPollMs: 500,
  open: openWorkersHarness,
};

type Listed = { id: string; state: FinalState['state']; lastError: string | null };

async function openWorkersHarness({ work, config, secrets, port, adminToken }: HarnessSetup): Promise<RelayHarness> {
  const configFile = join(work, 'chaos.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const built = await buildWorker({ configFile, outFile: join(work, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const bindings: Record<string, string> = { LEADFORM_ADMIN_TOKEN: adminToken, ...secrets };
  const url = `http://127.0.0.1:${port}`;
  /** Every entry in `state`, following the list's Link rel="next" pages. */
  const listed = async (state: FinalState['state']) => {
    const all: Listed[] = [];
    for (let path: string | null = `/v1/admin/submissions?state=${state}&limit=1000`; path !== null; ) {
      const response: Response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${adminToken}` } });
      all.push(...((await response.json()) as Listed[]));
      path = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('Link') ?? '')?.[1] ?? null;
    }
    return all;
  };

  let mf: Miniflare | undefined;
  return {
    async start() {
      mf = new Miniflare({
        ...miniflareOptions(built.value, bindings),
        host: '127.0.0.1',
        port,
        durableObjectsPersist: join(work, 'durable-objects'),
        handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
          stdout.resume();
          stderr.resume();
        },
      });
      await mf.ready;
    },
    async kill() {
      const pids = workerdChildren();
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      // miniflare's own side of the dead process, so that a new one can take the port.
      await mf?.dispose().catch(() => {});
      return pids.length > 0;
    },
    async pending() {
      return (await listed('pending')).length;
    },
    async finalStates() {
      const stuck = await listed('pending');
      if (stuck.length)
        console.log(
          `  still pending after the drain: ${stuck
            .slice(0, 5)
            .map((s) => JSON.stringify({ ...s, lead: undefined }))
            .join('\n    ')}`,
        );
      const states = new Map<string, FinalState>();
      for (const state of ['pending', 'delivered', 'dead'] as const) {
        for (const s of await listed(state)) states.set(s.id, { state: s.state, lastError: s.lastError });
      }
      return states;
    },
    async dispose() {
      await mf?.dispose().catch(() => {});
    },
  };
}
