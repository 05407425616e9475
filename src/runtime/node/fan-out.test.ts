/**
 * Several destinations per form on Node, over real HTTP to fakes in other servers: one lead to
 * three destinations, one of them down (answering 503, or never answering), reaches the other
 * two at once, each destination's entry keeping its own state, attempts and error, which
 * /healthz and the admin API show per destination.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG, type RunningServer, startFakeServer } from '../../destinations/fakes/server.ts';
import { startWebhookFake, type WebhookFake } from '../../destinations/fakes/webhook.ts';
import { type NodeRelay, startNodeRelay } from './server.ts';

const TOKEN = 'fan-out-admin-token-not-secret-0123456789';
const TIMEOUT_MS = 3_000;
let first: WebhookFake;
let second: WebhookFake;
let refusing: RunningServer;
let hanging: RunningServer;
let relay: NodeRelay;
let dataDir: string;

beforeAll(async () => {
  [first, second] = await Promise.all([startWebhookFake(), startWebhookFake()]);
  refusing = await startFakeServer(() => ({ status: 503, json: { error: 'receiver is down' } }));
  hanging = await startFakeServer(() => HANG);
  dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-fan-out-'));
  const webhook = (url: string) => ({ type: 'webhook', url: `${url}/hooks/leads`, secretEnv: 'LEADFORM_WEBHOOK_SECRET' });
  const fields = [{ name: 'email', type: 'email', required: true }];
  const started = await startNodeRelay({
    config: {
      forms: {
        refused: { fields, minFillMs: 0, destinations: ['refusing', 'first', 'second'] },
        hung: { fields, minFillMs: 0, destinations: ['hanging', 'first', 'second'] },
      },
      destinations: { first: webhook(first.url), second: webhook(second.url), refusing: webhook(refusing.url), hanging: webhook(hanging.url) },
      delivery: { timeoutMs: TIMEOUT_MS, baseDelayMs: 200, maxDelayMs: 400 },
    },
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    log: () => {},
    env: { ...first.env, LEADFORM_ADMIN_TOKEN: TOKEN },
    pollMs: 100,
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  relay = started.value;
});
afterAll(async () => {
  await relay?.close();
  await Promise.all([first?.close(), second?.close(), refusing?.close(), hanging?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = async <T>(path: string, init: RequestInit = {}) => {
  const response = await fetch(`${relay.url}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}` } });
  return { status: response.status, body: (await response.json()) as T };
};
type Row = { id: string; leadId: string; destination: string; state: string; attempts: number; lastError: string | null };

async function submit(form: string, email: string): Promise<string> {
  const response = await fetch(`${relay.url}/v1/forms/${form}/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `key-${email}` },
    body: JSON.stringify({ fields: { email } }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Polls until both working destinations hold the lead; the time it took from the 202. */
async function bothDelivered(email: string): Promise<number> {
  const started = performance.now();
  while (first.leadsWithEmail(email).length === 0 || second.leadsWithEmail(email).length === 0) {
    if (performance.now() - started > TIMEOUT_MS * 2) throw new Error(`${email} did not reach both working destinations`);
    await new Promise((done) => setTimeout(done, 20));
  }
  return performance.now() - started;
}

describe('a lead to three destinations, one of them down', () => {
  it('reaches the other two at once while the third answers 503, and retries the third alone', async () => {
    const email = `refused-${Date.now()}@example.com`;
    const id = await submit('refused', email);
    // The destination that is down comes first in the list, yet nothing waited for it: inside one timeout.
    expect(await bothDelivered(email)).toBeLessThan(TIMEOUT_MS);
    // Its own entry keeps failing, with its own attempts and error, while the others are done.
    const retried = async () => {
      for (;;) {
        const pending = (await admin<Row[]>('/v1/admin/submissions?state=pending')).body.find((row) => row.id === `${id}.refusing`);
        if (pending && pending.attempts >= 2) return pending;
        await new Promise((done) => setTimeout(done, 50));
      }
    };
    expect(await retried()).toMatchObject({ leadId: id, destination: 'refusing', state: 'pending', lastError: expect.stringContaining('503') });
    const delivered = (await admin<Row[]>('/v1/admin/submissions?state=delivered')).body.filter((row) => row.leadId === id);
    expect(delivered.map((row) => [row.id, row.destination, row.attempts]).sort()).toEqual([
      [`${id}.first`, 'first', 1],
      [`${id}.second`, 'second', 1],
    ]);
    expect(first.leadsWithEmail(email)).toHaveLength(1);
    expect(second.leadsWithEmail(email)).toHaveLength(1);
    // The retry with the same Idempotency-Key gets the same id and stores nothing twice.
    expect(await submit('refused', email)).toBe(id);
    const health = (await (await fetch(`${relay.url}/healthz`)).json()) as {
      outbox: { pending: number; destinations: Record<string, { pending: number; delivered: number; dead: number; oldestPendingAgeMs: number | null }> };
    };
    expect(health.outbox.destinations.refusing).toMatchObject({ pending: 1, delivered: 0, dead: 0, oldestPendingAgeMs: expect.any(Number) });
    expect(health.outbox.destinations.first).toMatchObject({ pending: 0, delivered: 1, oldestPendingAgeMs: null });
    expect(health.outbox.destinations.hanging).toMatchObject({ pending: 0, delivered: 0, dead: 0 });
  });

  it('reaches the other two at once while the third never answers', async () => {
    const email = `hung-${Date.now()}@example.com`;
    const id = await submit('hung', email);
    expect(await bothDelivered(email)).toBeLessThan(TIMEOUT_MS);
    // The hanging call is still under way (so the other two did not wait for it): its entry is
    // pending, its first attempt counted, no outcome yet.
    const rows = (await admin<Row[]>('/v1/admin/submissions?state=pending')).body.filter((row) => row.leadId === id);
    expect(rows).toEqual([expect.objectContaining({ id: `${id}.hanging`, destination: 'hanging', attempts: 1, lastError: null })]);
    expect(hanging.requests.some((request) => request.text.includes(email))).toBe(true);
    const destinations = (await admin<{ destinations: { name: string; pending: number; delivered: number }[] }>('/v1/admin/destinations')).body.destinations;
    expect(destinations.find((d) => d.name === 'hanging')).toMatchObject({ pending: 1, delivered: 0 });
    expect(destinations.find((d) => d.name === 'second')).toMatchObject({ pending: 0, delivered: 2 });
  });
});
