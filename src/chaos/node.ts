/**
 * Chaos on Node: the relay as `npm start` runs it (`src/runtime/node/index.ts`, its own process,
 * SQLite on disk), SIGKILLed and started again on the same data folder. At the end its SQLite file
 * is read directly, once the relay has stopped, so the run sees what the disk holds.
 */
import Database from 'better-sqlite3';
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChaosRuntime, HarnessSetup, RelayHarness } from './runner.ts';
import type { FinalState } from './scenario.ts';

const ENTRY = fileURLToPath(new URL('../runtime/node/index.ts', import.meta.url));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export const nodeRuntime: ChaosRuntime = {
  title: 'Node (node --import tsx src/runtime/node/index.ts, SIGKILL and restart)',
  folder: 'node',
  crashed: 'the relay',
  kept: 'relay log and data',
  tag: 'n',
  concurrency: 12,
  gapMs: 350,
  killAfterMs: { least: 1500, spread: 5000 },
  drainMs: 180_000,
  drainPollMs: 250,
  // The Node round is the one that shows the relay holding up under volume.
  leastAcknowledged: (count) => Math.min(1000, count),
  open: async (setup) => openNodeHarness(setup),
};

function openNodeHarness({ work, config, secrets, port, adminToken, random }: HarnessSetup): RelayHarness {
  const configFile = join(work, 'chaos.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(work, 'relay.log');
  const log = createWriteStream(logFile);
  const env = {
    ...process.env,
    ...secrets,
    PORT: String(port),
    LEADFORM_CONFIG: configFile,
    LEADFORM_DATA_DIR: join(work, 'data'),
    // A HOST the shell set (some set it to the machine's name) would move the relay off the address this run calls.
    HOST: '',
    LEADFORM_ADMIN_TOKEN: adminToken,
  };
  const admin = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${adminToken}` } })).json()) as T;

  let child: ChildProcess | undefined;
  const stop = async (signal: 'SIGKILL' | 'SIGTERM') => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((done) => current.once('exit', done));
    current.kill(signal);
    await exited;
  };
  let deadListed: { id: string; lastError: string | null }[] = [];
  let rows: { id: string; state: FinalState['state']; last_error: string | null }[] = [];

  return {
    async start() {
      const started = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout!.pipe(log, { end: false });
      started.stderr!.pipe(log, { end: false });
      const exited = new Promise<never>((_, fail) =>
        started.once('exit', (code) => fail(new Error(`the relay exited with ${code} while starting; see ${logFile}`))),
      );
      exited.catch(() => {});
      for (const giveUp = Date.now() + 20_000; Date.now() < giveUp; ) {
        const ok = await Promise.race([
          fetch(`${url}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
          exited,
        ]);
        if (ok) return;
        await sleep(50);
      }
      throw new Error(`the relay did not answer /healthz within 20 s; see ${logFile}`);
    },
    async kill() {
      await stop('SIGKILL');
      // A supervisor restarts a crashed process a moment later, not at once.
      await sleep(random() * 300);
      return true;
    },
    async pending() {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { outbox: { pending: number } };
      return health.outbox.pending;
    },
    async finalStates() {
      deadListed = await admin('/v1/admin/submissions?state=dead&limit=1000');
      await stop('SIGTERM');
      const db = new Database(join(work, 'data', 'leadform.sqlite'), { readonly: true });
      rows = db.prepare('SELECT id, state, last_error FROM outbox').all() as typeof rows;
      db.close();
      return new Map(rows.map((row) => [row.id, { state: row.state, lastError: row.last_error }]));
    },
    ownChecks() {
      // The store was read behind the relay's back: what an operator sees must agree with it.
      const deadInStore = rows.filter((row) => row.state === 'dead');
      const listedWithReason = new Set(deadListed.filter((s) => s.lastError).map((s) => s.id));
      return [
        {
          name: 'the admin API lists every dead letter with its reason',
          ok: deadInStore.every((row) => listedWithReason.has(row.id)),
          detail: `${deadInStore.length} dead in the store, ${listedWithReason.size} listed with a reason`,
        },
      ];
    },
    async dispose() {
      await stop('SIGKILL').catch(() => {});
      log.end();
    },
  };
}
