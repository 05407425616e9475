/**
 * workerd killed while a Durable Object's alarm is delivering: once workerd is back on the same
 * storage, the lead must still be delivered. The stored alarm time survives the crash but that
 * alarm never fires again, so the outbox object sets its alarm afresh from its rows each time it
 * starts (src/runtime/workers/outbox-object.ts).
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildWorker } from '../../scripts/build-worker.ts';
import { HANG, startFakeServer, type RunningServer } from '../destinations/fakes/server.ts';
import { startWebhookFake } from '../destinations/fakes/webhook.ts';
import { miniflareOptions } from '../runtime/workers/miniflare-options.ts';
import { workerdChildren } from './workers.ts';

const TOKEN = 'workerd-crash-admin-token-0c4e';
const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-crash-'));
let mf: Miniflare | undefined;
let front: RunningServer | undefined;
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await mf?.dispose().catch(() => {});
  for (const close of closers) await close();
  rmSync(dir, { recursive: true, force: true });
});

it('delivers a lead whose alarm was cut short by a SIGKILL of workerd, after a restart', async () => {
  const receiver = await startWebhookFake();
  closers.push(receiver.close);
  // The first call hangs (the alarm is mid-attempt when workerd dies); later ones reach the receiver.
  let calls = 0;
  front = await startFakeServer(async (request) => {
    calls += 1;
    if (calls === 1) return HANG;
    const answer = await fetch(`${receiver.url}${request.path}`, { method: 'POST', headers: request.headers as Record<string, string>, body: request.text });
    return { status: answer.status, json: await answer.json() };
  });
  closers.push(front.close);
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'hook' } },
      destinations: { hook: { type: 'webhook', ...receiver.options, url: `${front.url}/hooks/leads` } },
      delivery: { timeoutMs: 20_000, baseDelayMs: 50, maxDelayMs: 100 },
    }),
  );
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const start = async () => {
    mf = new Miniflare({
      ...miniflareOptions(built.outFile, { ...receiver.env, LEADFORM_ADMIN_TOKEN: TOKEN }),
      durableObjectsPersist: join(dir, 'durable-objects'),
      handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => (stdout.resume(), stderr.resume()),
    });
    await mf.ready;
  };
  const request = (path: string, init: RequestInit = {}) => mf!.dispatchFetch(`http://relay.test${path}`, init as never);

  await start();
  const accepted = await request('/v1/forms/contact/submissions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields: { email: 'crash@example.com' } }) });
  expect(accepted.status).toBe(202);
  await expect.poll(() => calls, { timeout: 10_000 }).toBe(1);

  for (const pid of workerdChildren()) process.kill(pid, 'SIGKILL');
  await mf!.dispose().catch(() => {});
  await start();

  // Asking the admin API wakes the outbox object; the lead must then go out.
  await expect
    .poll(async () => ((await (await request('/v1/admin/submissions?state=delivered', { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as unknown[]).length, { timeout: 15_000, interval: 500 })
    .toBe(1);
  expect(receiver.leadsWithEmail('crash@example.com')).toHaveLength(1);
}, 60_000);
