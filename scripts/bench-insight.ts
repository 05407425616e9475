import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNodeRelay } from './build-node.ts';
import { startBenchRelay } from './bench-load.ts';
import { type BenchServer, processCpuMs } from './bench-process.ts';

const SECONDS = Number(process.env.BENCH_INSIGHT_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_INSIGHT_CONCURRENCY ?? 32);
const BEACON_RATE = Number(process.env.BENCH_INSIGHT_BEACON_RATE ?? 200);
const ROUNDS = Number(process.env.BENCH_INSIGHT_ROUNDS ?? 5);
const EVENTS_PER_BEACON = 5;
const work = mkdtempSync(join(tmpdir(), 'leadform-bench-insight-'));

async function startRelay(): Promise<BenchServer> {
  const form = {
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'email', type: 'email', required: true },
      { name: 'company', type: 'text' },
    ],
    steps: [
      { id: 'you', fields: ['name', 'email'] },
      { id: 'firm', fields: ['company'] },
    ],
  };
  return startBenchRelay(await buildNodeRelay(), work, { form, env: { LEADFORM_TRUST_PROXY: '1' } });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    const request = httpRequest(url, { method: 'POST', agent, headers: { 'Content-Length': Buffer.byteLength(body), ...headers } }, (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode ?? 0));
    });
    // A connection the relay closed under load counts as a failed request, never ends the run.
    request.on('error', () => done(0));
    request.end(body);
  });
}

/**
 * The sender's address: a visitor sends about three beacons (the view, the start, the way out),
 * so a new address every three, as many visitors send them (none nears the per-address rule).
 */
let sent = 0;
const address = () => {
  const visitor = Math.floor(sent++ / 3);
  return `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}`;
};
const beaconBody = JSON.stringify({
  events: [
    { type: 'view', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
    { type: 'start', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
    { type: 'step', step: 'firm', source: 'google', medium: 'cpc', campaign: 'winter', device: 'mobile' },
    { type: 'field_error', step: 'you', field: 'email', device: 'desktop' },
    { type: 'abandon', step: 'firm', field: 'company', device: 'desktop' },
  ].slice(0, EVENTS_PER_BEACON),
});
const beacon = (url: string) =>
  post(`${url}/v1/forms/contact/events`, beaconBody, { 'Content-Type': 'text/plain;charset=UTF-8', 'X-Forwarded-For': address() });

let submitted = 0;
const submission = (url: string) => {
  const i = submitted++;
  return post(`${url}/v1/forms/contact/submissions`, JSON.stringify({ fields: { name: 'Ada Lovelace', email: `ada${i}@example.com` } }), {
    'Content-Type': 'application/json',
    'Idempotency-Key': `bench-insight-${i}`,
    'X-Forwarded-For': '192.0.2.1',
  });
};

/** CONCURRENCY calls of `send` in flight for SECONDS; the answers per second that had `status`, and how many. */
async function flood(send: () => Promise<number>, status: number): Promise<{ rate: number; failed: number; ok: number }> {
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        if ((await send()) === status) ok++;
        else failed++;
      }
    }),
  );
  return { rate: ok / ((performance.now() - started) / 1000), failed, ok };
}

/** Beacons at BEACON_RATE per second until `stop` resolves; how many were answered 204. */
async function stream(url: string, stop: Promise<unknown>): Promise<{ answered: number; failed: number }> {
  let running = true;
  void stop.then(() => (running = false));
  let answered = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let due = 0;
  while (running) {
    const behind = Math.floor(((performance.now() - started) / 1000) * BEACON_RATE) - due;
    for (let i = 0; i < behind; i++, due++) {
      const one = beacon(url).then((status) => void (status === 204 ? answered++ : failed++));
      inFlight.add(one);
      void one.finally(() => inFlight.delete(one));
    }
    await new Promise((tick) => setTimeout(tick, 5));
  }
  await Promise.all(inFlight);
  return { answered, failed };
}

const relay = await startRelay();
try {
  // Warm up both routes (connections, JIT, the first commits and the first counters' flush), then
  // the accept path for one measure's length: its rate climbs for a few seconds after start.
  await Promise.all(Array.from({ length: CONCURRENCY }, () => Promise.all([beacon(relay.url), submission(relay.url)])));
  await flood(() => submission(relay.url), 202);
  let cpu = processCpuMs(relay.child.pid);
  const beacons = await flood(() => beacon(relay.url), 204);
  const cpuPerBeacon = (processCpuMs(relay.child.pid) - cpu) / beacons.ok;
  const without: number[] = [];
  const beside: number[] = [];
  // The relay's CPU per accepted lead: alone, and beside the beacons less what they took by the
  // first measure's cost per beacon. Steadier than a rate on a shared machine.
  const cpuAlone: number[] = [];
  const cpuBeside: number[] = [];
  let streamed = { answered: 0, failed: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    cpu = processCpuMs(relay.child.pid);
    const alone = await flood(() => submission(relay.url), 202);
    cpuAlone.push((processCpuMs(relay.child.pid) - cpu) / alone.ok);
    without.push(alone.rate);
    let finish!: () => void;
    const finished = new Promise<void>((done) => (finish = done));
    cpu = processCpuMs(relay.child.pid);
    const flowing = stream(relay.url, finished);
    const withBeacons = await flood(() => submission(relay.url), 202);
    finish();
    const got = await flowing;
    cpuBeside.push((processCpuMs(relay.child.pid) - cpu - got.answered * cpuPerBeacon) / withBeacons.ok);
    beside.push(withBeacons.rate);
    streamed = { answered: streamed.answered + got.answered, failed: streamed.failed + got.failed };
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  // Each round measures both back to back, so the other work on a shared machine weighs on both
  // alike; the median round's ratio leaves out a round where it did not.
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratios = beside.map((rate, round) => rate / without[round]!).sort((a, b) => a - b);
  const ratio = median(ratios);
  console.log(`insight: Node ${process.version}, ${SECONDS} s per measure, ${CONCURRENCY} in flight, ${EVENTS_PER_BEACON} events per beacon`);
  console.log(
    `beacon throughput: ${(beacons.rate * EVENTS_PER_BEACON).toFixed(0)} events/s (${beacons.rate.toFixed(0)} beacons/s, ${beacons.failed} not 204, ${cpuPerBeacon.toFixed(3)} ms CPU each)`,
  );
  console.log(`accept rate without beacons: ${mean(without).toFixed(0)} leads/s (${without.map((rate) => rate.toFixed(0)).join(', ')})`);
  console.log(
    `accept rate with beacons: ${mean(beside).toFixed(0)} leads/s (${beside.map((rate) => rate.toFixed(0)).join(', ')}), beside ${BEACON_RATE} beacons/s (${streamed.answered} answered 204, ${streamed.failed} not)`,
  );
  console.log(
    `accept ratio with/without beacons: ${ratio.toFixed(3)} (target ≥ 0.95; median of the rounds' ${ratios.map((each) => each.toFixed(2)).join(', ')})`,
  );
  console.log(
    `relay CPU per accepted lead: ${median(cpuAlone).toFixed(3)} ms alone, ${median(cpuBeside).toFixed(3)} ms beside the beacons (their own CPU taken out; medians of the rounds)`,
  );
} finally {
  relay.stop();
  agent.destroy();
  rmSync(work, { recursive: true, force: true });
}
