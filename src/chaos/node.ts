/**
 * Chaos on Node: the relay as `npm start` runs it (`src/runtime/node/index.ts`, its own process,
 * SQLite on disk) delivering to fake CRMs behind random-fault proxies, SIGKILLed and restarted at
 * random moments while leads arrive and while they are delivered.
 */
import Database from 'better-sqlite3';
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from './fault-proxy.ts';
import { type ChaosSummary, type FinalState, sendLeads, verify } from './scenario.ts';
import { chaosConfig, startChaosVendors } from './vendors.ts';

const ENTRY = fileURLToPath(new URL('../runtime/node/index.ts', import.meta.url));
const ADMIN_TOKEN = 'chaos-admin-token-5b1f0c7e9d2a';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface NodeChaosOptions {
  /** Leads to send. */
  count: number;
  /** SIGKILLs spread over the run. */
  kills: number;
  seed: number;
  /** The relay's port (kept across restarts, as a real deployment's is). */
  port: number;
  /** Longest wait for the outbox to drain once sending and killing are over, in ms. @default 180000 */
  drainMs?: number;
}

export async function runNodeChaos(options: NodeChaosOptions): Promise<ChaosSummary> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const delivery = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 2000, timeoutMs: 1000 };
  const vendors = await startChaosVendors({ random, timeoutMs: delivery.timeoutMs });
  const work = mkdtempSync(join(tmpdir(), 'leadform-chaos-node-'));
  const configFile = join(work, 'chaos.config.json');
  writeFileSync(configFile, JSON.stringify(chaosConfig(vendors, delivery)));
  const url = `http://127.0.0.1:${options.port}`;
  const logFile = join(work, 'relay.log');
  const log = createWriteStream(logFile);
  const env = {
    ...process.env,
    ...Object.assign({}, ...vendors.map((v) => v.env)),
    PORT: String(options.port),
    LEADFORM_CONFIG: configFile,
    LEADFORM_DATA_DIR: join(work, 'data'),
    LEADFORM_ADMIN_TOKEN: ADMIN_TOKEN,
  };

  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const exited = new Promise<never>((_, fail) =>
      child!.once('exit', (code) => fail(new Error(`the relay exited with ${code} while starting; see ${logFile}`))),
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
  };
  const stop = async (signal: 'SIGKILL' | 'SIGTERM') => {
    const current = child!;
    if (current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((done) => current.once('exit', done));
    current.kill(signal);
    await exited;
  };

  let kills = 0;
  let keep = Boolean(process.env.LEADFORM_CHAOS_KEEP);
  const replays = { same: 0, different: 0 };
  try {
    await start();
    // Kills fall at random moments while leads arrive and while they are still being delivered.
    const killer = (async () => {
      while (kills < options.kills) {
        await sleep(1500 + random() * 5000);
        await stop('SIGKILL');
        kills += 1;
        await sleep(random() * 300);
        await start();
      }
    })();
    const leads = await sendLeads({
      url: () => url,
      vendors,
      count: options.count,
      concurrency: 12,
      random,
      gapMs: 350,
      tag: `n${options.seed}`,
      onReplay: (same) => void (same ? replays.same++ : replays.different++),
    });
    await killer;

    const drainUntil = Date.now() + (options.drainMs ?? 180_000);
    let pending = -1;
    while (Date.now() < drainUntil) {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { outbox: { pending: number } };
      pending = health.outbox.pending;
      if (pending === 0) break;
      await sleep(250);
    }
    const deadListed = (await (
      await fetch(`${url}/v1/admin/submissions?state=dead&limit=1000`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as { id: string; lastError: string | null }[];
    await stop('SIGTERM');

    // The relay's own record, read from its SQLite file once it has stopped.
    const db = new Database(join(work, 'data', 'leadform.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT id, state, last_error FROM outbox').all() as { id: string; state: FinalState['state']; last_error: string | null }[];
    db.close();
    const states = new Map(rows.map((row) => [row.id, { state: row.state, lastError: row.last_error }]));
    const result = verify(leads, states, vendors, replays);
    const deadInStore = rows.filter((row) => row.state === 'dead');
    const listedWithReason = new Set(deadListed.filter((s) => s.lastError).map((s) => s.id));
    result.checks.push({
      name: 'the admin API lists every dead letter with its reason',
      ok: deadInStore.every((row) => listedWithReason.has(row.id)),
      detail: `${deadInStore.length} dead in the store, ${listedWithReason.size} listed with a reason`,
    });
    result.checks.push({ name: 'the relay was killed as planned', ok: kills === options.kills, detail: `${kills} of ${options.kills} SIGKILLs` });
    result.checks.push({
      name: `at least ${Math.min(1000, options.count)} leads acknowledged`,
      ok: leads.filter((l) => l.id).length >= Math.min(1000, options.count),
      detail: `${leads.filter((l) => l.id).length} acknowledged`,
    });
    const faults: Record<string, number> = {};
    for (const vendor of vendors) for (const [fault, n] of Object.entries(vendor.proxy.counts)) faults[fault] = (faults[fault] ?? 0) + n;
    if (result.checks.some((c) => !c.ok)) {
      keep = true;
      console.log(`  (relay log and data kept in ${work})`);
    }
    return {
      runtime: 'Node (node --import tsx src/runtime/node/index.ts, SIGKILL and restart)',
      sent: leads.length,
      acknowledged: leads.filter((l) => l.id).length,
      delivered: result.delivered,
      dead: result.dead,
      duplicates: result.duplicates,
      kills,
      wallSeconds: (performance.now() - started) / 1000,
      faults,
      checks: result.checks,
    };
  } finally {
    if (child) await stop('SIGKILL').catch(() => {});
    log.end();
    await Promise.all(vendors.map((v) => v.close()));
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}
