/**
 * `npm run test:chaos`: leads sent through the relay while the fake CRMs fail at random and the
 * relay is killed; every acknowledged lead must end delivered or dead-lettered with its reason,
 * and no CRM that can be looked up may hold a duplicate. Prints a summary per runtime and
 * `chaos: N passed, N failed` (one per check); exits non-zero on any violation.
 *
 * Options (environment): CHAOS_LEADS (default 1200), CHAOS_KILLS (default 8), CHAOS_SEED (default
 * random, printed so a run can be repeated), CHAOS_PORT (default 8842), CHAOS_WORKERS_LEADS
 * (default 200; 0 skips workerd), CHAOS_WORKERS_KILLS (default 3), CHAOS_WORKERS_PORT (default 8843), LEADFORM_CHAOS_REPORT (a file to write {passed, failed} to).
 */
import { writeFileSync } from 'node:fs';
import { nodeRuntime } from '../src/chaos/node.ts';
import { runChaos } from '../src/chaos/runner.ts';
import { type ChaosSummary, printSummary } from '../src/chaos/scenario.ts';
import { workersRuntime } from '../src/chaos/workers.ts';

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`chaos seed ${seed} (CHAOS_SEED=${seed} repeats its fault draws)`);

const summaries: ChaosSummary[] = [];
let crashed: string | undefined;
try {
  const nodeLeads = Number(process.env.CHAOS_LEADS ?? 1200);
  if (nodeLeads > 0)
    summaries.push(
      await runChaos(nodeRuntime, { count: nodeLeads, kills: Number(process.env.CHAOS_KILLS ?? 8), seed, port: Number(process.env.CHAOS_PORT ?? 8842) }),
    );
  if (nodeLeads > 0) printSummary(summaries.at(-1)!);
  const workersLeads = Number(process.env.CHAOS_WORKERS_LEADS ?? 200);
  if (workersLeads > 0) {
    summaries.push(
      await runChaos(workersRuntime, {
        count: workersLeads,
        kills: Number(process.env.CHAOS_WORKERS_KILLS ?? 3),
        seed: seed + 1,
        port: Number(process.env.CHAOS_WORKERS_PORT ?? 8843),
      }),
    );
    printSummary(summaries.at(-1)!);
  }
} catch (error) {
  crashed = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`\nchaos run stopped: ${crashed}`);
}

const checks = summaries.flatMap((s) => s.checks);
const passed = checks.filter((c) => c.ok).length;
const failed = checks.length - passed + (crashed ? 1 : 0);
if (process.env.LEADFORM_CHAOS_REPORT) writeFileSync(process.env.LEADFORM_CHAOS_REPORT, JSON.stringify({ passed, failed }));
console.log(`\nchaos: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
