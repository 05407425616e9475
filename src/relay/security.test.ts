/**
 * Security of what the relay serves, on Node over real HTTP: secrets from the environment never
 * appear in any public answer, error body or log line (not even after a CRM refused them), and
 * the admin API refuses every request without the exact bearer token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloseFake } from '../destinations/fakes/close.ts';
import type { FakeVendor } from '../destinations/fakes/server.ts';
import { startWebhookFake } from '../destinations/fakes/webhook.ts';
import { type NodeRelay, startNodeRelay } from '../runtime/node/server.ts';

/** Distinctive values, so that finding one in an answer can only mean it leaked. */
const SECRETS = {
  LEADFORM_ADMIN_TOKEN: 'adm1n-T0KEN-zq83-never-shown-9f2c',
  CLOSE_API_KEY: 'api_cl0se-K3Y-never-shown-77ab',
  TURNSTILE_SECRET_KEY: '0x4AAturnst1le-never-shown-51c0',
};
/** Each secret, and the forms a leak could take (base64 in an Authorization header). */
const needles = Object.values(SECRETS).flatMap((secret) => [secret, Buffer.from(`${secret}:`).toString('base64'), secret.slice(6, 24)]);

const fields = [
  { name: 'name', type: 'text', required: true },
  { name: 'email', type: 'email', required: true },
];

let dir: string;
let relay: NodeRelay;
let close: FakeVendor;
let webhook: FakeVendor;
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-security-'));
  close = await startCloseFake();
  webhook = await startWebhookFake();
  const started = await startNodeRelay({
    config: {
      forms: {
        // The CRM refuses the key: its error reaches the outbox and the admin API, never the key.
        refused: { fields, minFillMs: 0, destination: 'close' },
        hooked: { fields, minFillMs: 0, destination: 'hook' },
        guarded: { fields, minFillMs: 0, destination: 'hook', turnstile: { siteKey: '1x00000000000000000000AA', secretEnv: 'TURNSTILE_SECRET_KEY' } },
      },
      destinations: {
        close: { type: 'close', baseUrl: close.url, apiKeyEnv: 'CLOSE_API_KEY' },
        hook: { type: 'webhook', ...webhook.options },
      },
      delivery: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 20 },
      limits: { perIp: { requests: 10_000, perSeconds: 1 } },
    },
    port: 0,
    hostname: '127.0.0.1',
    dataDir: dir,
    pollMs: 50,
    // The webhook signs with the receiver's shared secret, so that one comes from the fake.
    env: { ...SECRETS, ...webhook.env },
    log: (event, fields) => void logLines.push(JSON.stringify({ event, ...fields })),
    // As behind a proxy, so that each refused attempt below comes from an address of its own: an
    // address that keeps failing is answered 429 before its token is even looked at.
    trustProxy: true,
  });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  relay = started.value;
  // The webhook's signing secret is the fake's; it too must never be served.
  needles.push(webhook.env.LEADFORM_WEBHOOK_SECRET!, webhook.env.LEADFORM_WEBHOOK_SECRET!.slice(6, 30));
});

afterAll(async () => {
  await relay?.close();
  await close?.close();
  await webhook?.close();
  rmSync(dir, { recursive: true, force: true });
});

const url = (path: string) => relay.url.replace('localhost', '127.0.0.1') + path;
const adminHeaders = { Authorization: `Bearer ${SECRETS.LEADFORM_ADMIN_TOKEN}` };

async function submit(form: string, email: string) {
  return fetch(url(`/v1/forms/${form}/submissions`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fields: { name: 'Grace Hopper', email }, meta: { fillMs: 3000 } }),
  });
}

/** Everything a visitor, a bot or a curious browser can fetch without the admin token. */
const PUBLIC_REQUESTS: [string, RequestInit?][] = [
  ['/'],
  ['/healthz'],
  ['/v1/leadform.js'],
  ['/v1/widget/form.js'],
  ['/v1/forms/refused'],
  ['/v1/forms/guarded'],
  ['/v1/forms/hooked/embed'],
  ['/v1/forms/nope'],
  ['/v1/forms/refused/submissions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{not json' }],
  ['/v1/forms/refused/submissions', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' }],
  ['/v1/forms/refused/submissions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields: { email: 'x' } }) }],
  [
    '/v1/forms/refused/submissions',
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields: { name: 'x'.repeat(70_000) } }) },
  ],
  [
    '/v1/forms/guarded/submissions',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fields: { name: 'a', email: 'a@example.com' }, meta: { turnstile: 'bad' } }),
    },
  ],
  ['/v1/forms/refused/submissions', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: '{}' }],
  ['/v1/forms/refused/submissions', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } }],
  ['/v1/admin/submissions?state=dead'],
  ['/v1/admin/forms'],
  ['/admin'],
  ['/sandbox/inbox'],
  ['/sandbox/inbox.json'],
  ['/no/such/route'],
];

describe('no secret from the environment in anything the relay serves', () => {
  it('answers every public route, error and admin refusal without a secret in the body or headers', async () => {
    // A lead each way, so that the CRM's refusal and the webhook delivery have happened first.
    expect((await submit('refused', 'refused@example.com')).status).toBe(202);
    expect((await submit('hooked', 'hooked@example.com')).status).toBe(202);
    await expect.poll(async () => (await (await fetch(url('/healthz'))).json()).outbox.pending, { timeout: 10_000 }).toBe(0);

    let checked = 0;
    for (const [path, init] of PUBLIC_REQUESTS) {
      const response = await fetch(url(path), init);
      const text = `${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await response.text()}`;
      for (const needle of needles) expect(text, `${init?.method ?? 'GET'} ${path} (HTTP ${response.status})`).not.toContain(needle);
      checked += 1;
    }
    expect(checked).toBe(PUBLIC_REQUESTS.length);
  });

  it('keeps the secret out of the dead letter a refused key leaves, even in the admin API', async () => {
    const dead = (await (await fetch(url('/v1/admin/submissions?state=dead'), { headers: adminHeaders })).json()) as { form: string; lastError: string }[];
    const refused = dead.find((s) => s.form === 'refused');
    // Close answered 401 to the unknown key: the lead is dead with that reason, and no more.
    expect(refused?.lastError).toMatch(/401/);
    const text = JSON.stringify(dead);
    for (const needle of needles) expect(text).not.toContain(needle);
  });

  it('writes no secret and no personal data into its log lines', () => {
    expect(logLines.length).toBeGreaterThan(2);
    const text = logLines.join('\n');
    for (const needle of [...needles, 'refused@example.com', 'Grace Hopper']) expect(text).not.toContain(needle);
  });
});

describe('the admin API refuses anyone without the exact token', () => {
  const attempts: [string, Record<string, string>][] = [
    ['no header', {}],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['a wrong token', { Authorization: 'Bearer not-the-token' }],
    ['the token with one character more', { Authorization: `Bearer ${SECRETS.LEADFORM_ADMIN_TOKEN}x` }],
    ['the token cut short', { Authorization: `Bearer ${SECRETS.LEADFORM_ADMIN_TOKEN.slice(0, -1)}` }],
    ['the token in upper case', { Authorization: `Bearer ${SECRETS.LEADFORM_ADMIN_TOKEN.toUpperCase()}` }],
    ['the token as Basic credentials', { Authorization: `Basic ${Buffer.from(`admin:${SECRETS.LEADFORM_ADMIN_TOKEN}`).toString('base64')}` }],
    ['the token with no scheme', { Authorization: SECRETS.LEADFORM_ADMIN_TOKEN }],
    ['the token in another header', { 'X-Admin-Token': SECRETS.LEADFORM_ADMIN_TOKEN }],
  ];
  const routes: [string, string][] = [
    ['GET', '/v1/admin/submissions?state=pending'],
    ['GET', '/v1/admin/submissions?state=dead'],
    ['GET', '/v1/admin/forms'],
    ['POST', '/v1/admin/submissions/any-id/replay'],
  ];
  for (const [n, [what, headers]] of attempts.entries()) {
    it(`answers 401 to ${what} on every admin route`, async () => {
      for (const [method, path] of routes) {
        const response = await fetch(url(path), { method, headers: { ...headers, 'X-Forwarded-For': `192.0.2.${n + 1}` } });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
        expect(((await response.json()) as { error: string }).error).toBe('unauthorized');
      }
    });
  }

  it('refuses the token passed in the query string', async () => {
    const response = await fetch(url(`/v1/admin/submissions?state=dead&token=${SECRETS.LEADFORM_ADMIN_TOKEN}&access_token=${SECRETS.LEADFORM_ADMIN_TOKEN}`), {
      headers: { 'X-Forwarded-For': '192.0.2.100' },
    });
    expect(response.status).toBe(401);
  });

  it('answers the exact token, so the refusals above are the token check and not a broken route', async () => {
    for (const [method, path] of routes.slice(0, 3)) {
      const response = await fetch(url(path), { method, headers: adminHeaders });
      expect(response.status, `${method} ${path}`).toBe(200);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
    }
  });
});
