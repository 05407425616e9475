import { beforeEach, describe, expect, it } from 'vitest';
import type { Lead } from '../schema/lead.ts';
import { createRelay } from './app.ts';
import { parseConfig } from './config.ts';
import { deliverDue } from './delivery.ts';
import { MemoryOutbox } from './memory-outbox.ts';

const config = (() => {
  const result = parseConfig({
    forms: { f: { fields: [{ name: 'email', type: 'email' }], destination: 'crm', title: 'Contact' } },
    destinations: { crm: { type: 'test' } },
    delivery: { maxAttempts: 1 },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
})();
const TOKEN = 'a-long-admin-token';
const lead = (id: string): Lead => ({ id, formId: 'f', receivedAt: new Date().toISOString(), fields: { email: 'a@b.co' } });

let store: MemoryOutbox;
beforeEach(() => {
  store = new MemoryOutbox();
});

const relay = (adminToken?: string) => createRelay({ config, outbox: store, adminToken });
const get = (app: ReturnType<typeof relay>, path: string, token?: string, method = 'GET') =>
  app.request(`http://relay.test${path}`, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });

/** Makes entry `id` a dead letter, through a real failed attempt. */
async function deadLetter(id: string, reason = 'HTTP 401: invalid token') {
  await store.accept({ lead: lead(id), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
  await deliverDue({
    config,
    outbox: store,
    destinations: new Map([['crm', { type: 'test', deliver: async () => ({ kind: 'failed' as const, reason }) }]]),
  });
}

describe('admin API', () => {
  it('is off, and says how to turn it on, when no token is set', async () => {
    const response = await get(relay(undefined), '/v1/admin/submissions?state=dead', TOKEN);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'admin_disabled', message: expect.stringContaining('LEADFORM_ADMIN_TOKEN') });
  });

  it('refuses a missing, malformed or wrong token with 401', async () => {
    const app = relay(TOKEN);
    for (const header of [undefined, 'Basic abc', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`]) {
      const response = await app.request('http://relay.test/v1/admin/submissions', { headers: header ? { Authorization: header } : {} });
      expect(response.status, header).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    }
  });

  it('lists dead letters with attempts and last error, and replays one back to pending', async () => {
    await deadLetter('d1');
    const app = relay(TOKEN);
    const dead = (await (await get(app, '/v1/admin/submissions?state=dead', TOKEN)).json()) as Record<string, unknown>[];
    expect(dead).toEqual([
      expect.objectContaining({
        id: 'd1',
        form: 'f',
        destination: 'crm',
        state: 'dead',
        attempts: 1,
        lastError: 'HTTP 401: invalid token',
        lead: expect.objectContaining({ id: 'd1' }),
      }),
    ]);
    const replay = await get(app, '/v1/admin/submissions/d1/replay', TOKEN, 'POST');
    expect(replay.status).toBe(202);
    expect(await store.get('d1')).toMatchObject({ state: 'pending', attempts: 0 });
    const again = await get(app, '/v1/admin/submissions/d1/replay', TOKEN, 'POST');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'not_replayable', message: expect.stringContaining('pending') });
  });

  it('pages a list newest first: a Link to the next page while more remain, the body a list', async () => {
    const at = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 5; i++) {
      const entry = { ...lead(`p${i}`), receivedAt: new Date(at + i).toISOString() };
      await store.accept({ lead: entry, destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    }
    const app = relay(TOKEN);
    const seen: string[] = [];
    let path: string | null = '/v1/admin/submissions?state=pending&limit=2';
    const links: (string | null)[] = [];
    while (path) {
      const response = await get(app, path, TOKEN);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { id: string }[];
      seen.push(...body.map((entry) => entry.id));
      const link = response.headers.get('Link');
      links.push(link);
      path = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1]! : null;
    }
    expect(seen).toEqual(['p4', 'p3', 'p2', 'p1', 'p0']);
    expect(links).toHaveLength(3);
    expect(links[0]).toMatch(/^<\/v1\/admin\/submissions\?state=pending&limit=2&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    expect(links[2]).toBeNull();
  });

  it('refuses a malformed cursor with 400 bad_request naming it', async () => {
    const app = relay(TOKEN);
    const b64url = (text: string) => btoa(text).replace(/=+$/, '');
    for (const cursor of ['not*base64', '', b64url('no-comma'), b64url('12x,id'), b64url('12,'), b64url('-1,id'), 'a'.repeat(2000)]) {
      const response = await get(app, `/v1/admin/submissions?state=dead&cursor=${encodeURIComponent(cursor)}`, TOKEN);
      expect(response.status, cursor).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('cursor') });
    }
  });

  it('lists the forms for the embed snippets, without secrets', async () => {
    const body = (await (await get(relay(TOKEN), '/v1/admin/forms', TOKEN)).json()) as { forms: unknown[] };
    expect(body.forms).toEqual([
      {
        id: 'f',
        title: 'Contact',
        destination: 'crm',
        destinationType: 'test',
        destinations: [{ name: 'crm', type: 'test' }],
        allowedOrigins: ['self'],
        source: 'file',
        publishedVersion: null,
        hasDraft: false,
      },
    ]);
  });
});

describe('failed admin authentications', () => {
  /** A relay on a frozen clock that takes the client's address from a test header and keeps its log lines. */
  function watched() {
    let time = 1_700_000_000_000;
    const lines: Record<string, unknown>[] = [];
    const app = createRelay({
      config,
      outbox: store,
      adminToken: TOKEN,
      now: () => time,
      log: (event, fields) => void lines.push({ event, ...fields }),
      clientIp: (request) => request.headers.get('X-Test-Ip'),
      readAsset: async (path) => (path === 'admin/index.html' ? '<!doctype html><title>admin</title>' : null),
    });
    const call = (ip: string, authorization?: string, path = '/v1/admin/submissions?state=dead') =>
      app.request(`http://relay.test${path}`, { headers: { 'X-Test-Ip': ip, ...(authorization ? { Authorization: authorization } : {}) } });
    return { app, call, lines, pass: (ms: number) => void (time += ms) };
  }

  it('are logged as admin.unauthorized with the path and the address, never the token sent', async () => {
    const { call, lines } = watched();
    expect((await call('198.51.100.4', 'Bearer guess-number-one')).status).toBe(401);
    expect((await call('198.51.100.4')).status).toBe(401);
    expect(lines.filter((line) => line.event === 'admin.unauthorized')).toEqual([
      { event: 'admin.unauthorized', path: '/v1/admin/submissions', address: '198.51.100.4' },
      { event: 'admin.unauthorized', path: '/v1/admin/submissions', address: '198.51.100.4' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('guess-number-one');
    expect((await call('198.51.100.4', `Bearer ${TOKEN}`)).status).toBe(200);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('slow an address down: after 10 it is answered 429 with Retry-After, even with the token; other addresses are not', async () => {
    const { call, lines, pass } = watched();
    for (let i = 0; i < 10; i++) expect((await call('198.51.100.4', `Bearer guess-${i}`)).status).toBe(401);
    const blocked = await call('198.51.100.4', `Bearer ${TOKEN}`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBe(60);
    expect(await blocked.json()).toEqual({ error: 'rate_limited', message: expect.stringContaining('failed admin authentications') });
    expect(lines.at(-1)).toEqual({ event: 'admin.unauthorized', path: '/v1/admin/submissions', address: '198.51.100.4', blocked: true });
    // Another address with the token gets in.
    expect((await call('198.51.100.5', `Bearer ${TOKEN}`)).status).toBe(200);
    pass(60_000);
    expect((await call('198.51.100.4', `Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('never count a request with no credential at all (a signed-out admin page asking for its session): the address is not locked out', async () => {
    const { call } = watched();
    for (let i = 0; i < 20; i++) expect((await call('198.51.100.6', undefined, '/v1/admin/session')).status).toBe(401);
    expect((await call('198.51.100.6', `Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('share one budget across an IPv6 /64', async () => {
    const { call } = watched();
    for (let i = 0; i < 10; i++) await call(`2001:db8:1:2::${i + 1}`, 'Bearer guess');
    expect((await call('2001:db8:1:2:ffff::1', `Bearer ${TOKEN}`)).status).toBe(429);
    expect((await call('2001:db8:1:3::1', `Bearer ${TOKEN}`)).status).toBe(200);
  });
});

describe('the admin page', () => {
  it('is sent with a strict Content-Security-Policy', async () => {
    const app = createRelay({ config, outbox: store, adminToken: TOKEN, readAsset: async (path) => (path === 'admin/index.html' ? '<!doctype html>' : null) });
    const page = await app.request('http://relay.test/admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});

describe('admin API, a lead to several destinations', () => {
  const fanConfig = (() => {
    const result = parseConfig({
      forms: { f: { fields: [{ name: 'email', type: 'email' }], destinations: ['crm', 'alert', 'hook'] } },
      destinations: { crm: { type: 'test' }, alert: { type: 'test' }, hook: { type: 'test' } },
      delivery: { maxAttempts: 1 },
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    return result.value;
  })();
  const app = () => createRelay({ config: fanConfig, outbox: store, adminToken: TOKEN });
  /** Lead `id` to all three destinations; those in `failing` end as dead letters, the others delivered. */
  async function fanned(id: string, failing: string[]) {
    await store.accept({ lead: lead(id), destinations: ['crm', 'alert', 'hook'], idempotencyKey: null, bodyHash: 'h' });
    const outcome = (name: string) => async () =>
      failing.includes(name) ? { kind: 'failed' as const, reason: `${name} refused` } : { kind: 'delivered' as const };
    await deliverDue({
      config: fanConfig,
      outbox: store,
      destinations: new Map(['crm', 'alert', 'hook'].map((name) => [name, { type: 'test', deliver: outcome(name) }])),
    });
  }

  it('lists one row per destination, each with its entry id, the lead id and its own state', async () => {
    await fanned('L', ['hook']);
    const dead = (await (await get(app(), '/v1/admin/submissions?state=dead', TOKEN)).json()) as Record<string, unknown>[];
    expect(dead).toEqual([expect.objectContaining({ id: 'L.hook', leadId: 'L', destination: 'hook', state: 'dead', lastError: 'hook refused' })]);
    const delivered = (await (await get(app(), '/v1/admin/submissions?state=delivered', TOKEN)).json()) as { id: string }[];
    expect(delivered.map((row) => row.id).sort()).toEqual(['L.alert', 'L.crm']);
  });

  it('replays an entry by its id, or by the lead id and ?destination=, and says what is not replayable', async () => {
    await fanned('L', ['hook', 'alert']);
    const byEntry = await get(app(), '/v1/admin/submissions/L.hook/replay', TOKEN, 'POST');
    expect(byEntry.status).toBe(202);
    expect(await byEntry.json()).toEqual({ id: 'L.hook', state: 'pending' });
    expect(await store.get('L.alert')).toMatchObject({ state: 'dead' });
    const delivered = await get(app(), '/v1/admin/submissions/L/replay?destination=crm', TOKEN, 'POST');
    expect(delivered.status).toBe(409);
    expect(await delivered.json()).toMatchObject({ error: 'not_replayable', message: expect.stringContaining('crm delivered') });
    const byLead = await get(app(), '/v1/admin/submissions/L/replay?destination=alert', TOKEN, 'POST');
    expect(byLead.status).toBe(202);
    expect(await store.get('L.alert')).toMatchObject({ state: 'pending', attempts: 0 });
    expect((await get(app(), '/v1/admin/submissions/L/replay?destination=nowhere', TOKEN, 'POST')).status).toBe(404);
    expect((await get(app(), '/v1/admin/submissions/L/replay?destination=no%2Fsuch', TOKEN, 'POST')).status).toBe(400);
  });

  it('finds an entry by its id, or every entry of a lead by its id, and answers 404 for neither', async () => {
    await fanned('L', ['hook']);
    const byEntry = await get(app(), '/v1/admin/submissions/L.hook', TOKEN);
    expect(byEntry.status).toBe(200);
    expect(await byEntry.json()).toEqual([expect.objectContaining({ id: 'L.hook', leadId: 'L', state: 'dead', lastError: 'hook refused' })]);
    const byLead = (await (await get(app(), '/v1/admin/submissions/L', TOKEN)).json()) as { id: string; state: string }[];
    expect(byLead.map((row) => `${row.id} ${row.state}`).sort()).toEqual(['L.alert delivered', 'L.crm delivered', 'L.hook dead']);
    const unknown = await get(app(), '/v1/admin/submissions/M', TOKEN);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found', message: 'There is no submission M.' });
    expect((await get(app(), '/v1/admin/submissions/L', 'wrong-token')).status).toBe(401);
  });

  it("replays every dead entry of a lead named by the lead's id alone", async () => {
    await fanned('L', ['hook', 'alert']);
    const replay = await get(app(), '/v1/admin/submissions/L/replay', TOKEN, 'POST');
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ id: 'L', state: 'pending', replayed: expect.arrayContaining(['L.hook', 'L.alert']) });
    expect(await store.get('L.crm')).toMatchObject({ state: 'delivered' });
    expect((await get(app(), '/v1/admin/submissions/L/replay', TOKEN, 'POST')).status).toBe(409);
    expect((await get(app(), '/v1/admin/submissions/M/replay', TOKEN, 'POST')).status).toBe(404);
  });

  it('counts each destination, and /healthz shows the same beside the totals', async () => {
    await fanned('L', ['hook']);
    await store.accept({ lead: lead('P'), destinations: ['crm', 'alert', 'hook'], idempotencyKey: null, bodyHash: 'h' });
    const body = (await (await get(app(), '/v1/admin/destinations', TOKEN)).json()) as { destinations: Record<string, unknown>[] };
    expect(body.destinations).toEqual([
      { name: 'crm', type: 'test', configured: true, pending: 1, delivered: 1, dead: 0, oldestPendingAt: expect.any(String) },
      { name: 'alert', type: 'test', configured: true, pending: 1, delivered: 1, dead: 0, oldestPendingAt: expect.any(String) },
      { name: 'hook', type: 'test', configured: true, pending: 1, delivered: 0, dead: 1, oldestPendingAt: expect.any(String) },
    ]);
    const health = (await (await app().request('http://relay.test/healthz')).json()) as { outbox: Record<string, unknown> };
    expect(health.outbox).toMatchObject({
      pending: 3,
      delivered: 2,
      dead: 1,
      destinations: {
        crm: { pending: 1, delivered: 1, dead: 0, oldestPendingAt: expect.any(Number), oldestPendingAgeMs: expect.any(Number) },
        hook: { pending: 1, delivered: 0, dead: 1 },
      },
    });
  });
});
