/**
 * The admin forms suite on Node: the core's `app.request`, with the outbox and the form store in
 * one real SQLite file on disk, as `npm start` keeps them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../runtime/node/sqlite-store.ts';
import { createRelay } from './app.ts';
import { parseConfig } from './config.ts';
import { formCatalog } from './forms/catalog.ts';
import { SqlFormStore } from './forms/sql-form-store.ts';
import { MemoryOutbox } from './memory-outbox.ts';
import { adminFormsSuite, FORMS_ADMIN_TOKEN, FORMS_SUITE_CONFIG, ORIGIN } from './testing/admin-forms-suite.ts';

adminFormsSuite(
  'node (SQLite on disk)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadform-admin-forms-'));
    const parsed = parseConfig(FORMS_SUITE_CONFIG);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const config = parsed.value;
    const store = new SqliteStore({ file: join(dir, 'leadform.sqlite') });
    const forms = formCatalog({ fileForms: config.forms, store: new SqlFormStore(store.sql), declaredDestinations: Object.keys(config.destinations) });
    const app = createRelay({ config, forms, outbox: store, adminToken: FORMS_ADMIN_TOKEN });
    return {
      request: async (path, init) => app.request(`${ORIGIN}${path}`, init),
      async close() {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { endlessBodies: true },
);

describe('sign-in attempts', () => {
  it('are limited per address: after 10 wrong tokens even the right one is answered 429 with Retry-After', async () => {
    const parsed = parseConfig(FORMS_SUITE_CONFIG);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const app = createRelay({ config: parsed.value, outbox: new MemoryOutbox(), adminToken: FORMS_ADMIN_TOKEN, clientIp: () => '198.51.100.4' });
    const signIn = (token: string) =>
      app.request(`${ORIGIN}/v1/admin/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
    for (let i = 0; i < 10; i++) expect((await signIn(`wrong-token-${i}-0123456789abcdefghij`)).status).toBe(401);
    const blocked = await signIn(FORMS_ADMIN_TOKEN);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
  });
});

describe('the session cookie', () => {
  const parsed = parseConfig(FORMS_SUITE_CONFIG);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  let clock = Date.UTC(2026, 11, 2, 9);
  const app = createRelay({ config: parsed.value, outbox: new MemoryOutbox(), adminToken: FORMS_ADMIN_TOKEN, now: () => clock });
  const signIn = (origin: string) =>
    app.request(`${origin}/v1/admin/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: FORMS_ADMIN_TOKEN }),
    });

  it('is Secure when the admin page is served over https', async () => {
    expect((await signIn('https://relay.test')).headers.get('Set-Cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('expires after 12 hours, and is refused once the admin token changes', async () => {
    const cookie = (await signIn(ORIGIN)).headers.get('Set-Cookie')!.split(';')[0]!;
    const list = (relay = app) => relay.request(`${ORIGIN}/v1/admin/forms`, { headers: { Cookie: cookie } });
    clock += 12 * 3600_000 - 1000;
    expect((await list()).status).toBe(200);
    const rotated = createRelay({ config: parsed.value, outbox: new MemoryOutbox(), adminToken: `${FORMS_ADMIN_TOKEN}-new`, now: () => clock });
    expect((await list(rotated)).status).toBe(401);
    clock += 1000;
    expect((await list()).status).toBe(401);
  });
});
