/**
 * Delivery on Workers, in workerd: the destination's Durable Object delivers from its alarm over
 * real HTTP to a fake webhook receiver (signature-checking, as a careful receiver is), retries a
 * failure after its backoff, dead-letters a refusal, an admin replay wakes it again, it paces a
 * burst under the destination's limit, and its alarm deletes delivered leads past retention, keeping their keys.
 * The sandbox, whose inbox is in its Durable Object, is delivered in the transaction that accepts each lead.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { startWebhookFake } from '../../destinations/fakes/webhook.ts';
import { miniflareOptions } from './miniflare-options.ts';

const TOKEN = 'workers-admin-token-not-secret-0123456789';
let fake: Awaited<ReturnType<typeof startWebhookFake>>;
/** A second receiver, for a form whose leads go to two destinations. */
let alertFake: Awaited<ReturnType<typeof startWebhookFake>>;
let mf: Miniflare;
let dir: string;

beforeAll(async () => {
  [fake, alertFake] = await Promise.all([startWebhookFake(), startWebhookFake()]);
  dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-delivery-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      forms: {
        contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'hook' },
        burst: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'paced' },
        fan: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destinations: ['hook', 'alert'] },
        demo: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'box' },
      },
      destinations: {
        hook: { type: 'webhook', ...fake.options },
        paced: { type: 'webhook', ...fake.options, pace: { calls: 2, perMs: 1000 } },
        alert: { type: 'webhook', ...alertFake.options },
        box: { type: 'sandbox' },
      },
      delivery: { baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 5, timeoutMs: 1000 },
      // Delete delivered leads 3 s after delivery, so the alarm's retention pass shows within the
      // test while the other tests still see their delivered entries.
      retention: { deliveredPayloadDays: 3 / 86_400 },
    }),
  );
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  mf = new Miniflare({
    ...miniflareOptions(built.value, { ...fake.env, LEADFORM_ADMIN_TOKEN: TOKEN }),
    handleRuntimeStdio: (out: NodeJS.ReadableStream, err: NodeJS.ReadableStream) => {
      out.resume();
      err.pipe(process.stderr);
    },
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await fake?.close();
  await alertFake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (path: string, init: RequestInit = {}) =>
  (await mf.dispatchFetch(`http://relay.test${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
      'CF-Connecting-IP': '198.51.100.1',
      ...(init.headers as Record<string, string>),
    },
  } as never)) as unknown as Response;
const submit = async (email: string, form = 'contact') => {
  const response = await call(`/v1/forms/${form}/submissions`, { method: 'POST', body: JSON.stringify({ fields: { email } }) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
};
const entry = async (state: string, id: string) => {
  const list = (await (await call(`/v1/admin/submissions?state=${state}`)).json()) as {
    id: string;
    attempts: number;
    lastError: string | null;
    replayedAt: string | null;
  }[];
  return list.find((s) => s.id === id);
};
const eventually = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
  for (let i = 0; i < 100; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

it('delivers a sandbox lead in the transaction that accepts it: in the inbox, and delivered, by its 202', async () => {
  // From an address of its own, so the other tests keep the per-IP budget they count on.
  const ids = await Promise.all(
    ['a', 'b', 'c'].map(async (name) => {
      const body = JSON.stringify({ fields: { email: `box-${name}@example.com` } });
      const response = await call('/v1/forms/demo/submissions', { method: 'POST', body, headers: { 'CF-Connecting-IP': '198.51.100.77' } });
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    }),
  );
  const inbox = (await (await call('/sandbox/inbox.json')).json()) as { lead: { id: string; receivedAt: string }; deliveredAt: number }[];
  const mine = inbox.filter((item) => ids.includes(item.lead.id));
  expect(mine).toHaveLength(3);
  // Delivered in the accept itself, at the time it was received; an alarm's pass would come later.
  for (const item of mine) expect(item.deliveredAt).toBe(Date.parse(item.lead.receivedAt));
  for (const id of ids) expect(await entry('delivered', id)).toMatchObject({ attempts: 1 });
});

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

  expect(dead).toMatchObject({ replayedAt: null });

  const replayedAfter = Date.now();
  expect((await call(`/v1/admin/submissions/${id}/replay`, { method: 'POST' })).status).toBe(202);
  const delivered = await eventually(() => entry('delivered', id), 'delivery after the replay');
  expect(fake.leadsWithEmail(email)).toHaveLength(1);
  // The Durable Object's table has the column the age rule counts from after a replay.
  expect(Date.parse(String(delivered.replayedAt))).toBeGreaterThanOrEqual(replayedAfter - 1000);
});

it('paces a destination under its limit from its Durable Object', async () => {
  const tag = `burst-${Date.now()}`;
  // When the fake stores each of this burst's leads.
  const arrivals: number[] = [];
  const store = fake.received.push.bind(fake.received);
  fake.received.push = (...items) => {
    for (const item of items) if (String(item.payload.data.fields.email).startsWith(tag)) arrivals.push(performance.now());
    return store(...items);
  };
  await Promise.all(Array.from({ length: 6 }, (_, i) => submit(`${tag}-${i}@example.com`, 'burst')));
  await eventually(async () => (arrivals.length === 6 ? true : undefined), 'the paced deliveries');
  // 2 calls per 1000 ms: any call is at least a window after the one two before it (less 100 ms
  // for the test's own timer jitter); unpaced, all six arrive within a few milliseconds.
  const gaps = arrivals.slice(2).map((at, i) => at - arrivals[i]!);
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
}, 30_000);

it('deletes a delivered lead from the alarm once retention has passed, and answers a late retry with its first id', async () => {
  const email = `retention-${Date.now()}@example.com`;
  const body = JSON.stringify({ fields: { email } });
  const post = () =>
    call('/v1/forms/contact/submissions', { method: 'POST', body, headers: { 'Idempotency-Key': `retention-${email}` } }).then(async (response) => ({
      status: response.status,
      id: ((await response.json()) as { id: string }).id,
    }));
  const first = await post();
  expect(first.status).toBe(202);
  await eventually(() => entry('delivered', first.id), 'the lead delivered');
  await eventually(async () => ((await entry('delivered', first.id)) === undefined ? true : undefined), 'the delivered lead deleted');
  expect(await post()).toEqual({ status: 202, id: first.id });
  // Nothing stored again: the vendor still has the one lead, and no entry came back.
  await new Promise((done) => setTimeout(done, 300));
  expect(await entry('pending', first.id)).toBeUndefined();
  expect(fake.leadsWithEmail(email)).toHaveLength(1);
});

it("delivers a lead to two destinations from each one's Durable Object, each entry with its own dead letter and replay", async () => {
  fake.inject({ kind: 'invalid' });
  const email = `fan-${Date.now()}@example.com`;
  const id = await submit(email, 'fan');
  const dead = await eventually(() => entry('dead', `${id}.hook`), "the refused destination's dead letter");
  expect(dead).toMatchObject({ attempts: 1, lastError: expect.stringContaining('422') });
  const delivered = await eventually(() => entry('delivered', `${id}.alert`), 'the other destination delivered');
  expect(delivered).toMatchObject({ attempts: 1 });
  expect(alertFake.leadsWithEmail(email)).toHaveLength(1);
  expect(fake.leadsWithEmail(email)).toHaveLength(0);
  const health = (await (await call('/healthz')).json()) as { outbox: { destinations: Record<string, { dead: number }> } };
  expect(health.outbox.destinations.hook?.dead).toBeGreaterThanOrEqual(1);
  expect((await call(`/v1/admin/submissions/${id}/replay?destination=hook`, { method: 'POST' })).status).toBe(202);
  await eventually(() => entry('delivered', `${id}.hook`), 'the replayed destination delivered');
  expect(fake.leadsWithEmail(email)).toHaveLength(1);
  expect(alertFake.leadsWithEmail(email)).toHaveLength(1);
});
