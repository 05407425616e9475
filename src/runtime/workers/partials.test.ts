/**
 * Partials on Workers, in the real workerd runtime (miniflare): the route's answers from the
 * built Worker, the partials' Durable Object promoting from its alarm over real HTTP to a fake
 * webhook (a partial left past `partialAfterMinutes` arrives once as `lead.partial`; one whose
 * final submission came first never does), and the admin list.
 */
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { type ReceivedWebhook, startWebhookFake, type WebhookFake } from '../../destinations/fakes/webhook.ts';
import { miniflareOptions } from './miniflare-options.ts';

const TOKEN = 'workers-partials-admin-token-not-secret-0123456789';

/** The Worker built with `config` bundled in, running in workerd, in a folder of its own. */
async function startWorker(config: unknown, bindings: Record<string, string>): Promise<{ mf: Miniflare; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-partials-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const mf = new Miniflare({
    ...miniflareOptions(built.value, { ...bindings, LEADFORM_ADMIN_TOKEN: TOKEN }),
    handleRuntimeStdio: (out: NodeJS.ReadableStream, err: NodeJS.ReadableStream) => {
      out.resume();
      err.pipe(process.stderr);
    },
  });
  await mf.ready;
  return { mf, dir };
}
let hook: WebhookFake;
let mf: Miniflare;
let dir: string;

beforeAll(async () => {
  hook = await startWebhookFake();
  const fields = [
    { name: 'name', type: 'text', required: true },
    { name: 'email', type: 'email', required: true },
  ];
  ({ mf, dir } = await startWorker(
    {
      forms: {
        // 0.3 s: the alarm promotes a partial within the test.
        contact: { fields, minFillMs: 0, destination: 'hook', partials: true, partialAfterMinutes: 0.005 },
        plain: { fields, minFillMs: 0, destination: 'hook' },
      },
      destinations: { hook: { type: 'webhook', ...hook.options, deliverPartials: true } },
      delivery: { baseDelayMs: 100, maxDelayMs: 300, timeoutMs: 1000 },
      limits: { perIp: { requests: 2, perSeconds: 60 }, maxBodyBytes: 1024 },
    },
    hook.env,
  ));
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await hook?.close();
  rmSync(dir, { recursive: true, force: true });
});

let address = 0;
/** Each call from its own address unless told, so the rate limit is the one test's own. */
const call = async (path: string, init: RequestInit & { ip?: string } = {}) =>
  (await mf.dispatchFetch(`http://relay.test${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': 'visit-1',
      'CF-Connecting-IP': init.ip ?? `198.51.100.${++address}`,
      ...(init.headers as Record<string, string>),
    },
  } as never)) as unknown as Response;
const partial = (body: unknown, init: RequestInit & { ip?: string } = {}, form = 'contact') =>
  call(`/v1/forms/${form}/partials`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ...init });

async function received(email: string, count: number): Promise<ReceivedWebhook[]> {
  const started = performance.now();
  while (hook.leadsWithEmail(email).length < count) {
    if (performance.now() - started > 10_000) throw new Error(`${email}: ${hook.leadsWithEmail(email).length} of ${count} at the receiver`);
    await new Promise((done) => setTimeout(done, 25));
  }
  return hook.leadsWithEmail(email) as ReceivedWebhook[];
}

describe('POST /v1/forms/{id}/partials on workerd answers', () => {
  it('202, 400, 403, 404, 413, 415 and 422 as on Node', async () => {
    const started = { fields: { email: 'answers@example.com' } };
    expect((await partial(started, { headers: { 'Idempotency-Key': 'answers' } })).status).toBe(202);
    expect(await (await partial('{"fields":')).json()).toMatchObject({ error: 'bad_json' });
    expect((await partial(started, { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await partial(started, {}, 'nope')).status).toBe(404);
    expect((await partial(started, {}, 'plain')).status).toBe(404);
    expect((await partial({ fields: { email: 'a@example.com', name: 'x'.repeat(2000) } })).status).toBe(413);
    expect((await partial(started, { headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    const invalid = await partial({ fields: { name: 'Ada' } });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ issues: [{ code: 'contact_required' }] });
  });

  it('429 with Retry-After once the address has sent three times its submission budget', async () => {
    const ip = '203.0.113.99';
    for (let i = 0; i < 6; i++)
      expect((await partial({ fields: { email: 'busy@example.com' } }, { ip, headers: { 'Idempotency-Key': 'busy' } })).status).toBe(202);
    const limited = await partial({ fields: { email: 'busy@example.com' } }, { ip, headers: { 'Idempotency-Key': 'busy' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
  });
});

it("a partial whose final submission came first never arrives; an abandoned one arrives once, from the object's alarm", async () => {
  const completed = await partial({ fields: { email: 'done@example.com' } }, { headers: { 'Idempotency-Key': 'visit-done' } });
  expect(completed.status).toBe(202);
  const final = await call('/v1/forms/contact/submissions', {
    method: 'POST',
    headers: { 'Idempotency-Key': 'visit-done' },
    body: JSON.stringify({ fields: { email: 'done@example.com', name: 'Done' } }),
  });
  expect(final.status).toBe(202);
  expect((await partial({ fields: { email: 'left@example.com', name: 'Le' } }, { headers: { 'Idempotency-Key': 'visit-left' } })).status).toBe(202);

  const [left] = await received('left@example.com', 1);
  expect(left!.payload).toMatchObject({ type: 'lead.partial', data: { partial: true, fields: { email: 'left@example.com', name: 'Le' } } });
  // The abandoned partial was due after the completed one: its arrival means that one's time is up too.
  const done = await received('done@example.com', 1);
  expect(done.map((item) => item.payload.type)).toEqual(['lead.created']);

  const list = await call('/v1/admin/partials?form=contact');
  const listed = (await list.json()) as { key: string; state: string }[];
  expect(listed.find((p) => p.key === 'visit-left')).toMatchObject({ state: 'promoted' });
  expect(listed.some((p) => p.key === 'visit-done')).toBe(false);
  expect(hook.leadsWithEmail('left@example.com')).toHaveLength(1);
});

describe('retention on workerd', () => {
  let short: Miniflare;
  let shortDir: string;
  beforeAll(async () => {
    ({ mf: short, dir: shortDir } = await startWorker(
      {
        forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], destination: 'hook', partials: true, partialAfterMinutes: 0.005 } },
        destinations: { hook: { type: 'sandbox' } },
        // Settled partials are erased a second after they settled.
        retention: { deliveredPayloadDays: 1 / 86_400 },
      },
      {},
    ));
  }, 60_000);
  afterAll(async () => {
    await short?.dispose();
    rmSync(shortDir, { recursive: true, force: true });
  });

  it("erases a promoted partial from the object's alarm once retention has passed", async () => {
    const ask = async (path: string, init: RequestInit = {}) =>
      (await short.dispatchFetch(`http://relay.test${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'kept-briefly' },
      } as never)) as unknown as Response;
    expect((await ask('/v1/forms/contact/partials', { method: 'POST', body: JSON.stringify({ fields: { email: 'brief@example.com' } }) })).status).toBe(202);
    const states = async () => ((await (await ask('/v1/admin/partials')).json()) as { state: string }[]).map((partial) => partial.state);
    const seen = new Set<string>();
    const started = performance.now();
    // Pending, then promoted by the alarm, then erased by a later one: the list ends empty.
    while (seen.size === 0 || (await states()).length > 0) {
      for (const state of await states()) seen.add(state);
      if (performance.now() - started > 10_000) throw new Error(`still listed: ${[...seen].join(', ')}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    expect(seen.has('pending') || seen.has('promoted')).toBe(true);
  });
});
