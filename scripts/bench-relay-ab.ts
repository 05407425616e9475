/**
 * Two builds of the Node relay under the same load, in turn, for a change meant to make the
 * relay faster: `node --import tsx scripts/bench-relay-ab.ts <a.js> <b.js>`, each a file that
 * `node --import tsx scripts/build-node.ts <file>` wrote (three folders below the repository, e.g.
 * `dist/ab/a/index.js` before the change and `dist/ab/b/index.js` after it). Prints each round's
 * main-thread CPU per accepted lead for both, the ratio b/a per round and its median.
 *
 * Why rounds, in turn, with the order swapped: on this shared machine one round can move by 15 %
 * from the next, so a change of a few per cent shows only in the median of many rounds, each
 * ratio of two runs seconds apart. Run the same file as both a and b first ("A/A") to see the
 * spread and the bias of the day: A/A medians from 1.01 to 1.06 have been seen here, b (the
 * server started second) reading high.
 *
 * Options (environment): AB_ROUNDS (default 8), AB_COUNT (default 15000 submissions a round),
 * AB_CONCURRENCY (default 64), AB_ENV_B (NAME=value pairs, comma separated, set for b alone).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeLoad, loadSubmissions, startBenchRelay } from './bench-load.ts';
import { type BenchServer, mainThreadCpuMs } from './bench-process.ts';

const [fileA, fileB] = process.argv.slice(2);
if (!fileA || !fileB) {
  console.error('usage: node --import tsx scripts/bench-relay-ab.ts <a.js> <b.js> (two builds of buildNodeRelay)');
  process.exit(2);
}
const ROUNDS = Number(process.env.AB_ROUNDS ?? 8);
const COUNT = Number(process.env.AB_COUNT ?? 15000);
const CONCURRENCY = Number(process.env.AB_CONCURRENCY ?? 64);
const envB = Object.fromEntries(
  (process.env.AB_ENV_B ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.split('=')[0]!, pair.split('=').slice(1).join('=') || '1']),
);

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Main-thread CPU per accepted lead, in µs, over one round of `server`. */
async function round(server: BenchServer, tag: string, count = COUNT): Promise<number> {
  const before = mainThreadCpuMs(server.child.pid);
  const { accepted } = await loadSubmissions(server.url, { tag, count, concurrency: CONCURRENCY });
  return ((mainThreadCpuMs(server.child.pid) - before) * 1000) / accepted;
}

const work = mkdtempSync(join(tmpdir(), 'leadform-ab-'));
const servers: BenchServer[] = [];
try {
  for (const [name, file, env] of [
    ['a', fileA, {}],
    ['b', fileB, envB],
  ] as const) {
    mkdirSync(join(work, name));
    servers.push(await startBenchRelay(resolve(file), join(work, name), { env }));
  }
  const [a, b] = servers as [BenchServer, BenchServer];
  // Uncounted: both reach the rounds with their code optimised.
  await round(a, 'warm-a', 3000);
  await round(b, 'warm-b', 3000);
  const perLead = { a: [] as number[], b: [] as number[] };
  for (let r = 1; r <= ROUNDS; r++) {
    const order = r % 2 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const name of order) perLead[name].push(await round(name === 'a' ? a : b, `${name}${r}`));
  }
  const ratios = perLead.b.map((us, i) => us / perLead.a[i]!);
  const list = (values: number[], digits: number) => values.map((v) => v.toFixed(digits)).join(' ');
  console.log(`leadform relay A/B (${ROUNDS} rounds of ${COUNT} submissions, concurrency ${CONCURRENCY}): main-thread CPU per accepted lead`);
  console.log(`  a ${fileA}: ${list(perLead.a, 0)} µs; median ${median(perLead.a).toFixed(1)} µs`);
  console.log(
    `  b ${fileB}${Object.keys(envB).length ? ` (${process.env.AB_ENV_B})` : ''}: ${list(perLead.b, 0)} µs; median ${median(perLead.b).toFixed(1)} µs`,
  );
  console.log(
    `  b/a per round: ${list(ratios, 3)}; median ${median(ratios).toFixed(3)} (from ${Math.min(...ratios).toFixed(3)} to ${Math.max(...ratios).toFixed(3)})`,
  );
} finally {
  for (const server of servers) server.stop();
  closeLoad();
  await new Promise((done) => setTimeout(done, 300));
  rmSync(work, { recursive: true, force: true });
}
