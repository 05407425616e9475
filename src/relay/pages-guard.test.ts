import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sandboxRoutes } from '../destinations/sandbox-page.ts';
import type { SandboxInbox } from '../destinations/sandbox.ts';
import { guardPages, isLoopback } from './pages-guard.ts';

const TOKEN = 'a-long-admin-token';
const inbox: SandboxInbox = {
  add: async () => 'added',
  list: async () => [
    { lead: { id: 'lead-1', formId: 'contact', receivedAt: '2026-01-01T00:00:00.000Z', fields: { email: 'ada@example.com' } }, deliveredAt: 0 },
  ],
};
const inboxPages = sandboxRoutes(inbox).fetch;

function guarded(loopbackSuffices: boolean, token: string | undefined = TOKEN) {
  const lines: Record<string, unknown>[] = [];
  const pages = guardPages((request) => inboxPages(request), { token, log: (event, fields) => void lines.push({ event, ...fields }), loopbackSuffices });
  const get = (client: { address: string | null; loopback: boolean }, headers: Record<string, string> = {}, path = '/sandbox/inbox.json') =>
    pages(new Request(`http://relay.test${path}`, { headers }), client);
  return { get, lines };
}

const remote = { address: '198.51.100.4', loopback: false };
const local = { address: '127.0.0.1', loopback: true };

describe('guardPages', () => {
  it('serves a loopback client where the runtime can tell one, without any token', async () => {
    const { get } = guarded(true);
    const response = await get(local);
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain('ada@example.com');
  });

  it('refuses a request a proxy on this machine forwarded, though its socket is loopback, unless it has the token', async () => {
    const { get } = guarded(true);
    for (const header of ['X-Forwarded-For', 'Forwarded', 'X-Real-IP', 'Via']) {
      expect((await get(local, { [header]: header === 'Forwarded' ? 'for=198.51.100.4' : '198.51.100.4' })).status).toBe(401);
    }
    expect((await get(local, { 'X-Forwarded-For': '198.51.100.4', Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('refuses anyone else without the admin token, logging it, and never takes a token in the URL', async () => {
    const { get, lines } = guarded(true);
    for (const response of [
      await get(remote),
      await get(remote, {}, `/sandbox/inbox.json?token=${TOKEN}`),
      await get(remote, { Authorization: 'Bearer wrong' }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe('unauthorized');
      expect(body.message).toContain('localhost');
      expect(JSON.stringify(body)).not.toContain('ada@example.com');
    }
    expect(lines).toEqual([
      { event: 'admin.unauthorized', path: '/sandbox/inbox.json', address: '198.51.100.4' },
      { event: 'admin.unauthorized', path: '/sandbox/inbox.json', address: '198.51.100.4' },
      { event: 'admin.unauthorized', path: '/sandbox/inbox.json', address: '198.51.100.4' },
    ]);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('serves the admin token as a bearer header', async () => {
    const { get } = guarded(true);
    expect((await get(remote, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('on a runtime with no loopback (Workers), takes only the token, and says so', async () => {
    const { get } = guarded(false);
    const refused = await get(local);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).not.toContain('localhost');
    expect((await get(local, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('lets only loopback in when no admin token is set', async () => {
    const { get } = guarded(true, undefined);
    expect((await get(local)).status).toBe(200);
    expect((await get(remote, { Authorization: 'Bearer ' })).status).toBe(401);
  });

  it('answers 429 with Retry-After after repeated wrong tokens from one address', async () => {
    const { get } = guarded(true);
    for (let i = 0; i < 10; i++) await get(remote, { Authorization: `Bearer guess-${i}` });
    const blocked = await get(remote, { Authorization: `Bearer ${TOKEN}` });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
  });
});

describe('isLoopback', () => {
  it('knows 127.0.0.0/8 and ::1, also IPv4-mapped, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.5.6.7', '::1', '0:0:0:0:0:0:0:1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1'])
      expect(isLoopback(address), address).toBe(true);
    for (const address of [
      null,
      undefined,
      '',
      '128.0.0.1',
      '10.0.0.1',
      '::2',
      '::',
      '::ffff:10.0.0.1',
      'localhost',
      '127.0.0.1.evil.example',
      '2001:db8::1',
    ]) {
      expect(isLoopback(address), String(address)).toBe(false);
    }
  });
});

describe('the sandbox inbox page', () => {
  it('is sent with default-src none and its one style element allowed by hash', async () => {
    const page = await inboxPages(new Request('http://relay.test/sandbox/inbox'));
    const html = await page.text();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(page.headers.get('Content-Security-Policy')).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(html).not.toMatch(/<script|style="/);
    const json = await inboxPages(new Request('http://relay.test/sandbox/inbox.json'));
    expect(json.headers.get('Content-Security-Policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
