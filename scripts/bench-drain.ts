/**
 * `node --import tsx scripts/bench-drain.ts`: how fast a destination whose calls hang drains.
 * N pending leads (stored through the outbox, as accepts would have) wait for a webhook paced at
 * P calls/s whose receiver never answers, so every call runs until the delivery timeout. The Node
 * relay (startNodeRelay, in process) delivers them; the receiver notes when each lead's first
 * call arrives. Printed: the drain rate of first attempts, as a share of P (target ≥ 0.95), and
 * the busiest one-second window as the calls arrived. The pacer lets a burst of P go the moment
 * the burst a second before it is a second old, so arrival jitter (new connections) can put parts
 * of two bursts in one sliding second at the receiver: that figure may pass P although the starts
 * never do.
 *
 * Options (environment): BENCH_DRAIN_LEADS (default 20000), BENCH_DRAIN_PACE calls/s (default
 * 50), BENCH_DRAIN_TIMEOUT_MS, the delivery timeout (default 2000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/runtime/node/sqlite-store.ts';
import { startNodeRelay } from '../src/runtime/node/server.ts';

const leads = Number(process.env.BENCH_DRAIN_LEADS ?? 20_000);
const pace = Number(process.env.BENCH_DRAIN_PACE ?? 50);
const timeoutMs = Number(process.env.BENCH_DRAIN_TIMEOUT_MS ?? 2_000);
const TARGET = 0.95;
for (const [name, value] of [
  ['BENCH_DRAIN_LEADS', leads],
  ['BENCH_DRAIN_PACE', pace],
  ['BENCH_DRAIN_TIMEOUT_MS', timeoutMs],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a whole number above 0, got "${process.env[name]}"`);
}

// The receiver reads each call and never answers: the relay's timeout ends every one.
const firstCall = new Map<string, number>();
let allArrived: () => void = () => {};
const arrived = new Promise<void>((done) => (allArrived = done));
const receiver = createServer((request) => {
  const id = request.headers['webhook-id'];
  if (typeof id === 'string' && !firstCall.has(id)) {
    firstCall.set(id, performance.now());
    if (firstCall.size === leads) allArrived();
  }
  request.resume();
});
await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/leads`;

const work = mkdtempSync(join(tmpdir(), 'leadform-bench-drain-'));
const fields = [
  { name: 'name', type: 'text', required: true },
  { name: 'email', type: 'email', required: true },
];
const config = {
  forms: { drain: { fields, minFillMs: 0, destination: 'hanging' } },
  destinations: { hanging: { type: 'webhook', url: receiverUrl, secretEnv: 'LEADFORM_WEBHOOK_SECRET', pace: { calls: pace, perMs: 1000 } } },
  delivery: { timeoutMs },
};

// Seeded through the outbox (group-committed accepts), far faster than N requests over HTTP.
const seedStarted = performance.now();
const seed = new SqliteStore({ file: join(work, 'leadform.sqlite') });
const receivedAt = new Date().toISOString();
for (let from = 0; from < leads; from += 1_000) {
  const chunk = Array.from({ length: Math.min(1_000, leads - from) }, (_, i) =>
    seed.accept({
      lead: { id: crypto.randomUUID(), formId: 'drain', receivedAt, fields: { name: `Drain ${from + i}`, email: `drain.${from + i}@example.com` } },
      destination: 'hanging',
      idempotencyKey: null,
      bodyHash: 'bench',
    }),
  );
  await Promise.all(chunk);
}
seed.close();
const seedMs = performance.now() - seedStarted;

const started = await startNodeRelay({
  config,
  port: 0,
  hostname: '127.0.0.1',
  dataDir: work,
  env: { LEADFORM_WEBHOOK_SECRET: 'whsec_YmVuY2gtZHJhaW4tc2VjcmV0' },
  log: () => {},
});
if (!started.ok) throw new Error(started.problems.join('\n'));
const relay = started.value;
try {
  const expectedS = leads / pace;
  const giveUp = setTimeout(allArrived, (expectedS * 2 + 60) * 1000);
  await arrived;
  clearTimeout(giveUp);
  const times = [...firstCall.values()].sort((a, b) => a - b);
  const seconds = (times.at(-1)! - times[0]!) / 1000;
  // Calls in the whole seconds since the first: a paced destination sends in bursts, so the last,
  // partial window would overstate the rate.
  const windows = Math.max(1, Math.floor(seconds));
  const rate = times.filter((t) => t < times[0]! + windows * 1000).length / windows;
  let busiest = 0;
  let busiestAt = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    if (i - j + 1 > busiest) [busiest, busiestAt] = [i - j + 1, (times[j]! - times[0]!) / 1000];
  }
  console.log(
    `drain: ${leads} pending leads (seeded in ${(seedMs / 1000).toFixed(1)} s), webhook paced at ${pace}/s, calls hang until the ${timeoutMs} ms timeout`,
  );
  console.log(`first attempts: ${times.length} of ${leads} over ${seconds.toFixed(1)} s = ${rate.toFixed(2)}/s`);
  console.log(`drain share of pace: ${(rate / pace).toFixed(3)} (target ≥ ${TARGET})`);
  console.log(`busiest 1 s window, as the calls arrived: ${busiest} calls, from ${busiestAt.toFixed(1)} s (pace ${pace})`);
} finally {
  await relay.close();
  receiver.closeAllConnections();
  await new Promise((done) => receiver.close(done));
  rmSync(work, { recursive: true, force: true });
}
