/**
 * `node --import tsx scripts/bench-insight.ts` (and a row of `npm run bench`): what the funnel
 * beacons cost the Node relay. The relay runs as `npm start` does (compiled, in its own process,
 * behind a trusted proxy header so each simulated visitor has an address of its own, as the events'
 * per-address rule expects), on loopback; this process is the load.
 * - beacon throughput: CONCURRENCY requests in flight to `POST /v1/forms/{id}/events`, each a batch
 *   of EVENTS_PER_BEACON events as the widget sends them, for SECONDS: events/s and requests/s;
 * - the accept rate (`POST /v1/forms/{id}/submissions`, CONCURRENCY in flight) without beacons and
 *   with a stream of BEACON_RATE beacons/s flowing beside it, alternated ROUNDS times so both see
 *   the same machine; the ratio of the two (target ≥ 0.95).
 * Prints figures; asserts nothing.
 *
 * Options (environment): BENCH_INSIGHT_SECONDS (default 4), BENCH_INSIGHT_CONCURRENCY (default 32),
 * BENCH_INSIGHT_BEACON_RATE (default 200 beacons/s, 1,000 events/s), BENCH_INSIGHT_ROUNDS (default 3).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNodeRelay } from './build-node.ts';

const SECONDS = Number(process.env.BENCH_INSIGHT_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_INSIGHT_CONCURRENCY ?? 32);
const BEACON_RATE = Number(process.env.BENCH_INSIGHT_BEACON_RATE ?? 200);
const ROUNDS = Number(process.env.BENCH_INSIGHT_ROUNDS ?? 3);
const EVENTS_PER_BEACON = 5;
const work = mkdtempSync(join(tmpdir(), 'leadform-bench-insight-'));

async function startRelay(): Promise<{ url: string; child: ChildProcess }> {
  const config = join(work, 'bench.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      forms: {
        contact: {
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'email', type: 'email', required: true },
            { name: 'company', type: 'text' },
          ],
          steps: [
            { id: 'you', fields: ['name', 'email'] },
            { id: 'firm', fields: ['company'] },
          ],
          minFillMs: 0,
          destination: 'sandbox',
        },
      },
      destinations: { sandbox: { type: 'sandbox' } },
      limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
    }),
  );
  const file = await buildNodeRelay();
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LEADFORM_CONFIG: config, LEADFORM_DATA_DIR: join(work, 'relay'), LEADFORM_TRUST_PROXY: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((done, fail) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk;
      const match = /demo at (http:\/\/\S+?)\//.exec(err);
      if (match) done({ url: match[1]!.replace('localhost', '127.0.0.1'), child });
    });
    child.once('exit', (code) => fail(new Error(`the relay exited with ${code}:\n${err}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const request = httpRequest(url, { method: 'POST', agent, headers: { 'Content-Length': Buffer.byteLength(body), ...headers } }, (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode ?? 0));
    });
    request.on('error', fail);
    request.end(body);
  });
}

/** A visitor's address, a new one per beacon, as beacons come from many visitors (none reaches the per-address rule). */
let sent = 0;
const address = () => `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent++ & 255}`;
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

/** CONCURRENCY calls of `send` in flight for SECONDS; the answers per second that had `status`. */
async function flood(send: () => Promise<number>, status: number): Promise<{ rate: number; failed: number }> {
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
  return { rate: ok / ((performance.now() - started) / 1000), failed };
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
  const beacons = await flood(() => beacon(relay.url), 204);
  const without: number[] = [];
  const beside: number[] = [];
  let streamed = { answered: 0, failed: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    without.push((await flood(() => submission(relay.url), 202)).rate);
    let finish!: () => void;
    const finished = new Promise<void>((done) => (finish = done));
    const flowing = stream(relay.url, finished);
    beside.push((await flood(() => submission(relay.url), 202)).rate);
    finish();
    const got = await flowing;
    streamed = { answered: streamed.answered + got.answered, failed: streamed.failed + got.failed };
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const ratio = mean(beside) / mean(without);
  console.log(`insight: Node ${process.version}, ${SECONDS} s per measure, ${CONCURRENCY} in flight, ${EVENTS_PER_BEACON} events per beacon`);
  console.log(`beacon throughput: ${(beacons.rate * EVENTS_PER_BEACON).toFixed(0)} events/s (${beacons.rate.toFixed(0)} beacons/s, ${beacons.failed} not 204)`);
  console.log(`accept rate without beacons: ${mean(without).toFixed(0)} leads/s (${without.map((rate) => rate.toFixed(0)).join(', ')})`);
  console.log(
    `accept rate with beacons: ${mean(beside).toFixed(0)} leads/s (${beside.map((rate) => rate.toFixed(0)).join(', ')}), beside ${BEACON_RATE} beacons/s (${streamed.answered} answered 204, ${streamed.failed} not)`,
  );
  console.log(`accept ratio with/without beacons: ${ratio.toFixed(3)} (target ≥ 0.95)`);
} finally {
  relay.child.kill('SIGTERM');
  agent.destroy();
  rmSync(work, { recursive: true, force: true });
}
