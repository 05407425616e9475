/**
 * Chaos on Cloudflare Workers: the bundle `npm run build:worker` makes, run in the real workerd
 * runtime through miniflare with its Durable Objects persisted on disk, delivering from their
 * alarms to the same faulty fake CRMs. workerd is SIGKILLed (found by its process id among this
 * process's children) and started again on the same storage, as a crashed edge isolate would be.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorker } from '../../scripts/build-worker.ts';
import { miniflareOptions } from '../runtime/workers/miniflare-options.ts';
import { seededRandom } from './fault-proxy.ts';
import { type ChaosSummary, type FinalState, sendLeads, verify } from './scenario.ts';
import { chaosConfig, startChaosVendors } from './vendors.ts';

const ADMIN_TOKEN = 'chaos-admin-token-workers-8e31';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface WorkersChaosOptions {
  count: number;
  /** workerd SIGKILLs spread over the run. */
  kills: number;
  seed: number;
  /** workerd's port, kept across restarts. */
  port: number;
  /** @default 120000 */
  drainMs?: number;
}

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

export async function runWorkersChaos(options: WorkersChaosOptions): Promise<ChaosSummary> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const delivery = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 2000, timeoutMs: 1000 };
  const vendors = await startChaosVendors({ random, timeoutMs: delivery.timeoutMs });
  const work = mkdtempSync(join(tmpdir(), 'leadform-chaos-workerd-'));
  let keep = Boolean(process.env.LEADFORM_CHAOS_KEEP);
  const configFile = join(work, 'chaos.config.json');
  writeFileSync(configFile, JSON.stringify(chaosConfig(vendors, delivery)));
  const built = await buildWorker({ configFile, outFile: join(work, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const bindings: Record<string, string> = Object.assign({ LEADFORM_ADMIN_TOKEN: ADMIN_TOKEN }, ...vendors.map((v) => v.env));
  const url = `http://127.0.0.1:${options.port}`;

  let mf: Miniflare | undefined;
  const start = async () => {
    mf = new Miniflare({
      ...miniflareOptions(built.value, bindings),
      host: '127.0.0.1',
      port: options.port,
      durableObjectsPersist: join(work, 'durable-objects'),
      handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
        stdout.resume();
        stderr.resume();
      },
    });
    await mf.ready;
  };
  let kills = 0;
  const replays = { same: 0, different: 0 };
  try {
    await start();
    const killer = (async () => {
      while (kills < options.kills) {
        await sleep(2000 + random() * 5000);
        const pids = workerdChildren();
        for (const pid of pids) process.kill(pid, 'SIGKILL');
        kills += pids.length ? 1 : 0;
        await mf!.dispose().catch(() => {});
        await start();
      }
    })();
    const leads = await sendLeads({
      url: () => url,
      vendors,
      count: options.count,
      concurrency: 6,
      random,
      gapMs: 150,
      tag: `w${options.seed}`,
      onReplay: (same) => void (same ? replays.same++ : replays.different++),
    });
    await killer;

    const admin = async (state: string) =>
      (await (await fetch(`${url}/v1/admin/submissions?state=${state}&limit=1000`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
        id: string;
        state: FinalState['state'];
        lastError: string | null;
      }[];
    const drainUntil = Date.now() + (options.drainMs ?? 120_000);
    while (Date.now() < drainUntil && (await admin('pending')).length > 0) await sleep(500);
    const stuck = await admin('pending');
    if (stuck.length)
      console.log(
        `  still pending after the drain: ${stuck
          .slice(0, 5)
          .map((s) => JSON.stringify({ ...s, lead: undefined }))
          .join('\n    ')}`,
      );
    const states = new Map<string, FinalState>();
    for (const state of ['pending', 'delivered', 'dead']) for (const s of await admin(state)) states.set(s.id, { state: s.state, lastError: s.lastError });
    const result = verify(leads, states, vendors, replays);
    result.checks.push({ name: 'workerd was killed as planned', ok: kills === options.kills, detail: `${kills} of ${options.kills} SIGKILLs` });
    const faults: Record<string, number> = {};
    for (const vendor of vendors) for (const [fault, n] of Object.entries(vendor.proxy.counts)) faults[fault] = (faults[fault] ?? 0) + n;
    if (result.checks.some((c) => !c.ok)) {
      keep = true;
      console.log(`  (Durable Object storage kept in ${work})`);
    }
    return {
      runtime: 'Workers (bundle in workerd via miniflare, Durable Object alarms, workerd SIGKILLed and restarted)',
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
    await mf?.dispose().catch(() => {});
    await Promise.all(vendors.map((v) => v.close()));
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}
