/**
 * The submission load the relay benchmarks send (bench-relay.ts, bench-relay-ab.ts): the compiled
 * relay started on the benchmark's `contact` form with delivery to the sandbox inbox, and
 * `concurrency` submissions in flight over keep-alive connections until `count` are answered or
 * `seconds` pass.
 */
import { Agent, request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchServer, startProcess } from './bench-process.ts';

export interface LoadResult {
  accepted: number;
  failed: number;
  seconds: number;
  latencies: number[];
}

export interface LoadOptions {
  /** Part of every Idempotency-Key and address sent: a new tag sends new leads, not retries. */
  tag: string;
  count: number;
  concurrency: number;
  /** @default no limit but `count` */
  seconds?: number;
}

const CONTACT = {
  fields: [
    { name: 'name', type: 'text', required: true },
    { name: 'email', type: 'email', required: true },
    { name: 'message', type: 'textarea' },
  ],
};

export interface BenchRelayOptions {
  /** Added to the relay's environment. @default none */
  env?: Record<string, string>;
  /** Node's own flags, before the file. @default none */
  nodeArgs?: string[];
  /** The `contact` form's configuration, its destination the sandbox. @default name, email and message */
  form?: Record<string, unknown>;
}

/**
 * Starts the compiled relay `file` on the benchmark's `contact` form, with limits no load
 * reaches, its data in `dataDir` (which the configuration is written to as well), as `npm start`
 * would.
 */
export function startBenchRelay(file: string, dataDir: string, { env = {}, nodeArgs = [], form = CONTACT }: BenchRelayOptions = {}): Promise<BenchServer> {
  const config = join(dataDir, 'bench.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      forms: { contact: { ...form, minFillMs: 0, destination: 'sandbox' } },
      destinations: { sandbox: { type: 'sandbox' } },
      limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
    }),
  );
  return startProcess(
    [...nodeArgs, file],
    { ...env, PORT: '0', HOST: '127.0.0.1', LEADFORM_CONFIG: config, LEADFORM_DATA_DIR: join(dataDir, 'relay') },
    /demo at (http:\/\/\S+?)\//,
  );
}

/** Sends the load to `url`'s `contact` form, after one submission per connection that is not counted. */
export async function loadSubmissions(url: string, { tag, count, concurrency, seconds = Infinity }: LoadOptions): Promise<LoadResult> {
  const body = (i: number) =>
    JSON.stringify({ fields: { name: 'Ada Lovelace', email: `ada${tag}.${i}@example.com`, message: 'x'.repeat(200) }, meta: { fillMs: 5000 } });
  // Warm up: connections, JIT, the first commit.
  await Promise.all(Array.from({ length: concurrency }, (_, i) => post(url, body(-i - 1), `warm-${tag}-${i}`, concurrency)));
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        const sent = performance.now();
        const status = await post(url, body(i), `bench-${tag}-${i}`, concurrency);
        latencies.push(performance.now() - sent);
        if (status === 202) accepted++;
        else failed++;
      }
    }),
  );
  return { accepted, failed, seconds: (performance.now() - started) / 1000, latencies };
}

// node:http with keep-alive rather than fetch: the load generator shares the machine with the
// relay, and the lighter client leaves more of it to what is measured.
let agent: Agent | undefined;
function post(url: string, body: string, key: string, concurrency: number): Promise<number> {
  agent ??= new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${url}/v1/forms/contact/submissions`);
  return new Promise((done, fail) => {
    const request = httpRequest(
      target,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Idempotency-Key': key } },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
      },
    );
    request.on('error', fail);
    request.end(body);
  });
}

/** Closes the load's keep-alive connections, so the process can exit. */
export function closeLoad(): void {
  agent?.destroy();
  agent = undefined;
}
