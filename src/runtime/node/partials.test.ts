/**
 * Partials on Node over real HTTP, in the real SQLite file, delivered to a fake webhook in
 * another server, on a driven clock: a completed partial reaches the receiver as one lead and no
 * partial lead; an abandoned one as exactly one `lead.partial`, also after a restart on the same
 * data folder; and the completion commits with the final lead itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ReceivedWebhook, startWebhookFake, type WebhookFake } from '../../destinations/fakes/webhook.ts';
import { type NodeRelay, startNodeRelay } from './server.ts';

const TOKEN = 'partials-node-admin-token-not-secret-0123456789';
let hook: WebhookFake;
let relay: NodeRelay;
let dataDir: string;
let clock = Date.now();

async function start(): Promise<NodeRelay> {
  const started = await startNodeRelay({
    config: {
      forms: {
        contact: {
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'email', type: 'email', required: true },
          ],
          minFillMs: 0,
          destination: 'hook',
          partials: true,
          partialAfterMinutes: 30,
        },
      },
      destinations: { hook: { ...hook.options, type: 'webhook', deliverPartials: true } },
    },
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    log: () => {},
    env: { ...hook.env, LEADFORM_ADMIN_TOKEN: TOKEN },
    pollMs: 50,
    // The sweeper stays out of the way: the test promotes when its clock says so.
    partialSweepMs: 3_600_000,
    now: () => clock,
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  return started.value;
}

beforeAll(async () => {
  hook = await startWebhookFake();
  dataDir = mkdtempSync(join(tmpdir(), 'leadform-node-partials-'));
  relay = await start();
});
afterAll(async () => {
  await relay?.close();
  await hook?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(path: string, key: string, fields: Record<string, string>): Promise<number> {
  const response = await fetch(`${relay.url}/v1/forms/contact/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ fields }),
  });
  return response.status;
}

/** Until the receiver holds `count` requests for `email` and the outbox has nothing pending. */
async function settled(email: string, count: number): Promise<ReceivedWebhook[]> {
  const started = performance.now();
  while (hook.leadsWithEmail(email).length < count || (await relay.store.stats()).pending > 0) {
    if (performance.now() - started > 5_000) throw new Error(`${email}: ${hook.leadsWithEmail(email).length} of ${count} at the receiver`);
    await new Promise((done) => setTimeout(done, 20));
  }
  return hook.leadsWithEmail(email) as ReceivedWebhook[];
}

it('a completed partial reaches the receiver as one lead and never as a partial lead', async () => {
  expect(await post('partials', 'visit-done', { email: 'done@example.com' })).toBe(202);
  expect(await post('partials', 'visit-done', { email: 'done@example.com', name: 'Do' })).toBe(202);
  expect(await post('submissions', 'visit-done', { email: 'done@example.com', name: 'Done' })).toBe(202);
  // Ended in the lead's own transaction: no pending partial left behind in the file.
  const [row] = relay.store.sql.all<{ state: string; lead: string | null }>("SELECT state, lead FROM partials WHERE idempotency_key = 'visit-done'");
  expect(row).toEqual({ state: 'completed', lead: null });
  clock += 31 * 60_000;
  expect(await relay.promotePartials()).toBe(0);
  const received = await settled('done@example.com', 1);
  expect(received.map((item) => [item.payload.type, item.payload.data.fields.name])).toEqual([['lead.created', 'Done']]);
});

it('an abandoned partial reaches the receiver exactly once as lead.partial, also across a restart', async () => {
  expect(await post('partials', 'visit-left', { email: 'left@example.com', name: 'Le' })).toBe(202);
  clock += 29 * 60_000;
  expect(await relay.promotePartials()).toBe(0);
  clock += 60_000;
  expect(await relay.promotePartials()).toBe(1);
  const [received] = await settled('left@example.com', 1);
  expect(received!.payload).toMatchObject({ type: 'lead.partial', data: { partial: true, fields: { email: 'left@example.com', name: 'Le' } } });

  await relay.close();
  relay = await start();
  expect(await relay.promotePartials()).toBe(0);
  const admin = await fetch(`${relay.url}/v1/admin/partials?form=contact`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(((await admin.json()) as { key: string; state: string }[]).map((p) => [p.key, p.state])).toEqual([['visit-left', 'promoted']]);
  // Coming back later, the visitor completes: a normal lead follows the partial one.
  expect(await post('submissions', 'visit-left', { email: 'left@example.com', name: 'Leona' })).toBe(202);
  const both = await settled('left@example.com', 2);
  expect(both.map((item) => item.payload.type)).toEqual(['lead.partial', 'lead.created']);
});
