/**
 * Memory stays bounded under abuse: the relay, as `npm start` runs it but with its V8 heap capped,
 * takes thousands of abusive requests (bodies at and past the size limit, deep nesting, broken
 * JSON, unicode junk, header abuse, valid leads with fresh Idempotency-Keys) and is still up
 * afterwards, its resident memory under a ceiling. A leak of even a fraction of each body would
 * exhaust the capped heap long before the end and kill the process.
 */
import fc from 'fast-check';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../runtime/node/index.ts', import.meta.url));
/** The old-generation heap the relay may use; requests below carry over 100 MB in total. */
const HEAP_MB = 64;
const RSS_CEILING_MB = 256;
const REQUESTS = 3000;

let dir: string;
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-memory-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      forms: {
        contact: {
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'email', type: 'email', required: true },
            { name: 'message', type: 'textarea' },
          ],
          minFillMs: 0,
          destination: 'inbox',
        },
      },
      destinations: { inbox: { type: 'sandbox' } },
      limits: { perIp: { requests: 1_000_000, perSeconds: 1 }, perForm: { requests: 1_000_000, perSeconds: 1 } },
    }),
  );
  child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', ENTRY], {
    env: { ...process.env, PORT: '0', LEADFORM_CONFIG: join(dir, 'config.json'), LEADFORM_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  url = await new Promise<string>((done, fail) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk;
      const match = /demo at http:\/\/localhost:(\d+)\//.exec(err);
      if (match) done(`http://127.0.0.1:${match[1]}`);
    });
    child.once('exit', (code) => fail(new Error(`the relay exited with ${code}: ${err}`)));
  });
}, 30_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

/** One abusive request of each kind fast-check can think of, as [body, headers]. */
const abuse = fc.oneof(
  fc.constant(['x'.repeat(64_000), {}] as const),
  fc.constant([`{"fields":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`, {}] as const),
  fc.constant(['['.repeat(60_000), {}] as const),
  fc.constant([JSON.stringify({ fields: { name: 'x'.repeat(200_000) } }), {}] as const),
  fc.string({ unit: 'binary', maxLength: 2000 }).map((text) => [text, {}] as const),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .map(
      (text) =>
        [JSON.stringify({ fields: { name: text, email: 'a@example.com', message: text.repeat(20) } }), { 'Idempotency-Key': `k-${Math.random()}` }] as const,
    ),
  fc.constant([
    JSON.stringify({ fields: { name: 'Ada', email: 'ada@example.com' }, __proto__: { polluted: 1 }, constructor: { prototype: { polluted: 1 } } }),
    { 'Idempotency-Key': 'x'.repeat(300) },
  ] as const),
  fc.constant([
    JSON.stringify({ fields: { name: 'Ada', email: 'ada@example.com' } }),
    { 'X-Junk': 'y'.repeat(8000), 'Content-Type': `application/json; charset=utf-8; boundary=${'z'.repeat(2000)}` },
  ] as const),
);

it(`stays up with resident memory under ${RSS_CEILING_MB} MB after ${REQUESTS} abusive requests, its heap capped at ${HEAP_MB} MB`, async () => {
  const samples = fc.sample(abuse, { numRuns: REQUESTS, seed: 7 });
  const statuses = new Map<number, number>();
  let sentBytes = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < samples.length) {
        const [body, headers] = samples[next++]!;
        sentBytes += body.length;
        const response = await fetch(`${url}/v1/forms/contact/submissions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body,
        }).catch(() => null);
        await response?.arrayBuffer();
        const status = response?.status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  // Every request had an answer (no dropped connections), none of them a 5xx.
  expect(
    [...statuses.keys()].filter((status) => status === 0 || status >= 500),
    JSON.stringify(Object.fromEntries(statuses)),
  ).toEqual([]);
  // More was sent than the capped heap could hold, so a per-request leak would have ended the process.
  expect(sentBytes / 1024 / 1024).toBeGreaterThan(HEAP_MB);
  expect(child.exitCode).toBeNull();
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const rss = rssMb();
  console.log(
    `sent ${(sentBytes / 1048576).toFixed(0)} MB in ${REQUESTS} requests; relay RSS ${rss.toFixed(0)} MB; answers ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  expect(rss).toBeLessThan(RSS_CEILING_MB);
}, 120_000);
