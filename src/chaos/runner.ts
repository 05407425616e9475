/**
 * One chaos run, whatever the runtime: start the fake CRMs behind their fault proxies, start the
 * relay through a harness, crash it at random moments while leads arrive and while they are
 * delivered, wait for the outbox to drain, then check every acknowledged lead against the relay's
 * own record and what each vendor holds. A harness (node.ts, workers.ts) knows only how its
 * runtime's relay is started, crashed and stopped, and where it keeps its final states.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from './fault-proxy.ts';
import { type ChaosSummary, type Check, type FinalState, sendLeads, verify } from './scenario.ts';
import { chaosConfig, startChaosVendors } from './vendors.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface ChaosOptions {
  /** Leads to send. */
  count: number;
  /** Crashes spread over the run. */
  kills: number;
  seed: number;
  /** The relay's port, kept across restarts as a real deployment's is. */
  port: number;
  /** Longest wait for the outbox to drain once sending and killing are over, in ms. @default the harness's */
  drainMs?: number;
}

/** What a harness is given to start its relay from. */
export interface HarnessSetup {
  /** A fresh folder of this run's own, for the relay's configuration, data and logs. */
  work: string;
  /** The relay's configuration: one form per vendor, each destination pointing at its proxy. */
  config: Record<string, unknown>;
  /** The secrets the destinations read. */
  secrets: Record<string, string>;
  port: number;
  /** The admin token the relay must accept: the run reads the outbox through the admin API. */
  adminToken: string;
  /** The run's seeded random source, for whatever the harness leaves to chance (a restart's delay). */
  random: () => number;
}

/** A relay on one runtime, as a chaos run drives it. */
export interface RelayHarness {
  /** Starts the relay (again, after a crash, on the same storage) and resolves once it answers. */
  start(): Promise<void>;
  /** Kills the relay as a crash would, without warning; false when there was nothing to kill. */
  kill(): Promise<boolean>;
  /** How many leads the relay still has pending. */
  pending(): Promise<number>;
  /** Each submission's final state, read from where this runtime keeps it (stopping the relay first if need be). */
  finalStates(): Promise<Map<string, FinalState>>;
  /** Checks only this runtime can make, once the final states are read. */
  ownChecks?(): Check[];
  /** Ends whatever still runs, after a failure too. */
  dispose(): Promise<void>;
}

/** A runtime as a chaos run sees it: how hard to push it, and how to open a harness on it. */
export interface ChaosRuntime {
  /** How the summary names the runtime. */
  title: string;
  /** Names the run's temporary folder: `leadform-chaos-<folder>-…`. */
  folder: string;
  /** What is crashed, as the check names it: "the relay", "workerd". */
  crashed: string;
  /** What the kept folder holds, for the line printed when a check fails. */
  kept: string;
  /** Tags this run's emails and keys (with the seed), so two runs never share one. */
  tag: string;
  /** Senders at once, and the average pause of each between two leads, in ms. */
  concurrency: number;
  gapMs: number;
  /** A crash falls `killAfterMs.least` plus up to `killAfterMs.spread` ms after the previous restart. */
  killAfterMs: { least: number; spread: number };
  /** How long the drain may take by default, and how often it asks, in ms. */
  drainMs: number;
  drainPollMs: number;
  /** The least number of leads the run must get acknowledged, when the runtime has to show a volume. */
  leastAcknowledged?(count: number): number;
  open(setup: HarnessSetup): Promise<RelayHarness>;
}

const DELIVERY = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 2000, timeoutMs: 1000 };

export async function runChaos(runtime: ChaosRuntime, options: ChaosOptions): Promise<ChaosSummary> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const vendors = await startChaosVendors({ random, timeoutMs: DELIVERY.timeoutMs });
  const work = mkdtempSync(join(tmpdir(), `leadform-chaos-${runtime.folder}-`));
  let keep = Boolean(process.env.LEADFORM_CHAOS_KEEP);
  let harness: RelayHarness | undefined;
  try {
    harness = await runtime.open({
      work,
      config: chaosConfig(vendors, DELIVERY),
      secrets: Object.assign({}, ...vendors.map((vendor) => vendor.env)),
      port: options.port,
      adminToken: `chaos-admin-token-not-secret-${runtime.folder}-${options.seed}`,
      random,
    });
    const relay = harness;
    const url = `http://127.0.0.1:${options.port}`;
    let kills = 0;
    const replays = { same: 0, different: 0 };
    await relay.start();
    // Crashes fall at random moments while leads arrive and while they are still being delivered.
    const killer = (async () => {
      while (kills < options.kills) {
        await sleep(runtime.killAfterMs.least + random() * runtime.killAfterMs.spread);
        if (await relay.kill()) kills += 1;
        await relay.start();
      }
    })();
    const leads = await sendLeads({
      url: () => url,
      vendors,
      count: options.count,
      concurrency: runtime.concurrency,
      random,
      gapMs: runtime.gapMs,
      tag: `${runtime.tag}${options.seed}`,
      onReplay: (same) => void (same ? replays.same++ : replays.different++),
    });
    await killer;

    const drainUntil = Date.now() + (options.drainMs ?? runtime.drainMs);
    while (Date.now() < drainUntil && (await relay.pending()) > 0) await sleep(runtime.drainPollMs);
    const states = await relay.finalStates();
    const result = verify(leads, states, vendors, replays);
    const acknowledged = leads.filter((lead) => lead.id).length;
    result.checks.push(...(relay.ownChecks?.() ?? []));
    result.checks.push({ name: `${runtime.crashed} was killed as planned`, ok: kills === options.kills, detail: `${kills} of ${options.kills} SIGKILLs` });
    const least = runtime.leastAcknowledged?.(options.count);
    if (least !== undefined) {
      result.checks.push({ name: `at least ${least} leads acknowledged`, ok: acknowledged >= least, detail: `${acknowledged} acknowledged` });
    }
    const faults: Record<string, number> = {};
    for (const vendor of vendors) for (const [fault, n] of Object.entries(vendor.proxy.counts)) faults[fault] = (faults[fault] ?? 0) + n;
    if (result.checks.some((check) => !check.ok)) {
      keep = true;
      console.log(`  (${runtime.kept} kept in ${work})`);
    }
    return {
      runtime: runtime.title,
      sent: leads.length,
      acknowledged,
      delivered: result.delivered,
      dead: result.dead,
      duplicates: result.duplicates,
      kills,
      wallSeconds: (performance.now() - started) / 1000,
      faults,
      checks: result.checks,
    };
  } finally {
    await harness?.dispose().catch(() => {});
    await Promise.all(vendors.map((vendor) => vendor.close()));
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}
