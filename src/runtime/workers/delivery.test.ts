/**
 * Delivery on Workers, in workerd: the destination's Durable Object delivers from its alarm over
 * real HTTP to a fake webhook receiver (signature-checking, as a careful receiver is), retries a
 * failure after its backoff, dead-letters a refusal, and an admin replay wakes it again.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { startWebhookFake } from '../../destinations/fakes/webhook.ts';
import { miniflareOptions } from './miniflare-options.ts';

const TOKEN = 'workers-admin-token';
let fake: Awaited<ReturnType<typeof startWebhookFake>>;
let mf: Miniflare;
let dir: string;

beforeAll(async () => {
  fake = await startWebhookFake();
  dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-delivery-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      forms: {
        contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'hook' },
        burst: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'paced' },
      },
      destinations: { hook: { type: 'webhook', ...fake.options }, paced: { type: 'webhook', ...fake.options, pace: { calls: 2, perMs: 1000 } } },
      delivery: { baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 5 },
    }),
  );
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  mf = new Miniflare({
    ...miniflareOptions(built.outFile, { ...fake.env, LEADFORM_ADMIN_TOKEN: TOKEN }),
    handleRuntimeStdio: (out: NodeJS.ReadableStream, err: NodeJS.ReadableStream) => (out.resume(), err.pipe(process.stderr)),
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (path: string, init: RequestInit = {}) =>
  (await mf.dispatchFetch(`http://relay.test${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'CF-Connecting-IP': '198.51.100.1', ...(init.headers as Record<string, string>) },
  } as never)) as unknown as Response;
const submit = async (email: string, form = 'contact') => {
  const response = await call(`/v1/forms/${form}/submissions`, { method: 'POST', body: JSON.stringify({ fields: { email } }) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
};
const entry = async (state: string, id: string) => {
  const list = (await (await call(`/v1/admin/submissions?state=${state}`)).json()) as { submissions: { id: string; attempts: number; lastError: string | null }[] };
  return list.submissions.find((s) => s.id === id);
};
const eventually = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
  for (let i = 0; i < 100; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

it('retries a failed delivery from the alarm after its backoff, and delivers once', async () => {
  fake.inject({ kind: 'serverError' });
  const email = `retry-${Date.now()}@example.com`;
  const id = await submit(email);
  const delivered = await eventually(() => entry('delivered', id), 'delivery after the retry');
  expect(delivered.attempts).toBe(2);
  expect(fake.leadsWithEmail(email)).toHaveLength(1);
  expect(fake.requests.filter((r) => r.text.includes(email))).toHaveLength(2);
});

it('dead-letters a refused lead, and an admin replay delivers it', async () => {
  fake.inject({ kind: 'invalid' });
  const email = `replay-${Date.now()}@example.com`;
  const id = await submit(email);
  const dead = await eventually(() => entry('dead', id), 'the dead letter');
  expect(dead).toMatchObject({ attempts: 1, lastError: expect.stringContaining('422') });
  expect(fake.leadsWithEmail(email)).toHaveLength(0);

  expect((await call(`/v1/admin/submissions/${id}/replay`, { method: 'POST' })).status).toBe(202);
  await eventually(() => entry('delivered', id), 'delivery after the replay');
  expect(fake.leadsWithEmail(email)).toHaveLength(1);
});

it('paces a destination under its limit from its Durable Object', async () => {
  const tag = `burst-${Date.now()}`;
  const arrived = () => fake.received.filter((item) => String(item.payload.data.fields.email).startsWith(tag)).length;
  // Sample, from before the first submission, how many have arrived: never more than 2 in any
  // second since the first arrival.
  const samples: { at: number; count: number }[] = [];
  let first: number | undefined;
  const sampling = (async () => {
    while (arrived() < 6) {
      const count = arrived();
      if (count > 0) first ??= performance.now();
      if (first !== undefined) samples.push({ at: performance.now() - first, count });
      if (samples.length > 1000) throw new Error('timed out waiting for the paced deliveries');
      await new Promise((done) => setTimeout(done, 10));
    }
  })();
  await Promise.all(Array.from({ length: 6 }, (_, i) => submit(`${tag}-${i}@example.com`, 'burst')));
  await sampling;
  const elapsed = performance.now() - first!;
  expect(elapsed).toBeGreaterThanOrEqual(1800);
  // 50 ms of slack: the first arrival is seen a sampling interval after its call started.
  for (const { at, count } of samples) expect(count, `at ${Math.round(at)} ms`).toBeLessThanOrEqual(2 * (Math.floor((at + 50) / 1000) + 1));
}, 30_000);
