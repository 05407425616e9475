/**
 * workerd killed while a Durable Object's outbox has a lead waiting: once workerd is back on the
 * same storage, the lead must still be delivered. The stored alarm time survives the crash but
 * that alarm never fires again, so the outbox object arms its alarm afresh from its rows each
 * time it starts (src/runtime/workers/outbox-object.ts). Two cases: workerd dies mid-attempt
 * (the stored alarm time is past), and it dies while the lead waits for a retry (the stored
 * alarm time is still ahead, and setting the same time again does not re-arm it).
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildWorker } from '../../scripts/build-worker.ts';
import { HANG, startFakeServer, type FakeResponse } from '../destinations/fakes/server.ts';
import { startWebhookFake } from '../destinations/fakes/webhook.ts';
import { miniflareOptions } from '../runtime/workers/miniflare-options.ts';
import { workerdChildren } from './workers.ts';

const TOKEN = 'workerd-crash-admin-token-0c4e-not-secret';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A Workers relay whose one webhook destination sits behind `front`: `front(call)` answers the
 * call-th request itself (a hang, an error) or returns undefined to pass it to the receiver.
 */
async function relayBehind(front: (call: number) => FakeResponse | typeof HANG | undefined, delivery: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const receiver = await startWebhookFake();
  cleanups.push(receiver.close);
  let calls = 0;
  const server = await startFakeServer(async (request) => {
    calls += 1;
    const own = front(calls);
    if (own) return own;
    const answer = await fetch(`${receiver.url}${request.path}`, { method: 'POST', headers: request.headers as Record<string, string>, body: request.text });
    return { status: answer.status, json: await answer.json() };
  });
  cleanups.push(server.close);
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'hook' } },
      destinations: { hook: { type: 'webhook', ...receiver.options, url: `${server.url}/hooks/leads` } },
      delivery,
    }),
  );
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  let mf: Miniflare | undefined;
  cleanups.push(() => mf?.dispose().catch(() => {}));
  const start = async () => {
    mf = new Miniflare({
      ...miniflareOptions(built.value, { ...receiver.env, LEADFORM_ADMIN_TOKEN: TOKEN }),
      durableObjectsPersist: join(dir, 'durable-objects'),
      handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
        stdout.resume();
        stderr.resume();
      },
    });
    await mf.ready;
  };
  const request = (path: string, init: RequestInit = {}) => mf!.dispatchFetch(`http://relay.test${path}`, init as never);
  await start();
  return {
    receiver,
    calls: () => calls,
    submit: (email: string) =>
      request('/v1/forms/contact/submissions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { email } }),
      }),
    async killAndRestart() {
      for (const pid of workerdChildren()) process.kill(pid, 'SIGKILL');
      await mf!.dispose().catch(() => {});
      await start();
    },
    /** Asking the admin API also wakes every outbox object. */
    async listed(state: string) {
      const answer = await request(`/v1/admin/submissions?state=${state}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      return (await answer.json()) as { id: string }[];
    },
  };
}

it('delivers a lead whose alarm was cut short by a SIGKILL of workerd, after a restart', async () => {
  // The first call hangs (the alarm is mid-attempt when workerd dies); later ones reach the receiver.
  const relay = await relayBehind((call) => (call === 1 ? HANG : undefined), { timeoutMs: 3000, baseDelayMs: 50, maxDelayMs: 100 });
  expect((await relay.submit('crash@example.com')).status).toBe(202);
  await expect.poll(relay.calls, { timeout: 10_000 }).toBe(1);

  await relay.killAndRestart();

  await expect.poll(async () => (await relay.listed('delivered')).length, { timeout: 15_000, interval: 500 }).toBe(1);
  expect(relay.receiver.leadsWithEmail('crash@example.com')).toHaveLength(1);
}, 60_000);

it('delivers a lead that was waiting for its retry when workerd was SIGKILLed, after a restart', async () => {
  // The first call fails with a 502; the retry is due a few seconds later, after the restart.
  const relay = await relayBehind((call) => (call === 1 ? { status: 502, json: { error: 'bad gateway' } } : undefined), {
    timeoutMs: 4000,
    baseDelayMs: 50,
    maxDelayMs: 100,
  });
  expect((await relay.submit('waiting@example.com')).status).toBe(202);
  await expect.poll(relay.calls, { timeout: 10_000 }).toBe(1);
  // The attempt is recorded (pending, its retry time and alarm ahead) before workerd dies.
  await expect.poll(async () => (await relay.listed('pending')).length, { timeout: 5000, interval: 100 }).toBe(1);

  await relay.killAndRestart();

  await expect.poll(async () => (await relay.listed('delivered')).length, { timeout: 20_000, interval: 500 }).toBe(1);
  expect(relay.receiver.leadsWithEmail('waiting@example.com')).toHaveLength(1);
}, 60_000);
