/**
 * Store forms on a real Node relay over HTTP: a publish is what `GET /v1/forms/{id}` serves within
 * 1 s, a lead records its version and reaches the sandbox inbox with it, and a restart keeps
 * drafts, versions and history (they live in the SQLite file beside the outbox).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startNodeRelay } from './server.ts';

const TOKEN = 'forms-live-admin-token-0123456789abcdef';
const config = {
  forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], destination: 'inbox' } },
  destinations: { inbox: { type: 'sandbox' } },
};
const form = (title: string) => ({
  title,
  fields: [{ name: 'email', type: 'email', required: true }],
  destination: 'inbox',
  allowedOrigins: ['*'],
  minFillMs: 0,
});

const dataDir = mkdtempSync(join(tmpdir(), 'leadform-forms-live-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start() {
  const started = await startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir, log: () => {}, env: { LEADFORM_ADMIN_TOKEN: TOKEN }, pollMs: 50 });
  if (!started.ok) throw new Error(started.problems.join('\n'));
  const relay = started.value;
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${relay.url}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...init.headers } });
  return { relay, admin };
}

it('serves a publish within 1 s, and a restart keeps the draft, every version and the history', async () => {
  const first = await start();
  try {
    await first.admin('/v1/admin/forms/quote/draft', { method: 'PUT', body: JSON.stringify(form('One')) });
    expect(await (await first.admin('/v1/admin/forms/quote/publish', { method: 'POST' })).json()).toEqual({ version: 1 });
    await first.admin('/v1/admin/forms/quote/draft', { method: 'PUT', body: JSON.stringify(form('Two')) });

    const publishedAt = performance.now();
    expect(await (await first.admin('/v1/admin/forms/quote/publish', { method: 'POST' })).json()).toEqual({ version: 2 });
    let served: { version?: number; title?: string } = {};
    while (served.version !== 2 && performance.now() - publishedAt < 1000) served = await (await fetch(`${first.relay.url}/v1/forms/quote`)).json();
    const ms = performance.now() - publishedAt;
    console.log(`publish → GET /v1/forms/quote serves version 2: ${ms.toFixed(1)} ms`);
    expect(served).toMatchObject({ version: 2, title: 'Two' });
    expect(ms).toBeLessThan(1000);

    await first.admin('/v1/admin/forms/quote/draft', { method: 'PUT', body: JSON.stringify(form('Draft')) });
    const lead = await fetch(`${first.relay.url}/v1/forms/quote/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example' },
      body: JSON.stringify({ fields: { email: 'ada@example.com' }, meta: { formVersion: 1 } }),
    });
    expect(lead.status).toBe(202);
    const { id } = (await lead.json()) as { id: string };
    // The sandbox inbox's lead JSON carries the version too (the inbox is open to this machine).
    let inbox: { lead: { id: string; formVersion?: number } }[] = [];
    for (let tries = 0; tries < 100 && !inbox.some((entry) => entry.lead.id === id); tries++) {
      inbox = (await (await fetch(`${first.relay.url}/sandbox/inbox.json`)).json()) as typeof inbox;
      if (!inbox.some((entry) => entry.lead.id === id)) await new Promise((done) => setTimeout(done, 50));
    }
    expect(inbox.find((entry) => entry.lead.id === id)?.lead.formVersion).toBe(1);
  } finally {
    await first.relay.close();
  }

  const second = await start();
  try {
    expect(await (await second.admin('/v1/admin/forms/quote')).json()).toMatchObject({ publishedVersion: 2, hasDraft: true, draft: form('Draft') });
    const versions = (await (await second.admin('/v1/admin/forms/quote/versions')).json()) as { versions: { version: number }[] };
    expect(versions.versions.map((each) => each.version)).toEqual([2, 1]);
    expect(((await (await second.admin('/v1/admin/forms/quote/history')).json()) as { history: unknown[] }).history).toHaveLength(5);
    expect(await (await fetch(`${second.relay.url}/v1/forms/quote`)).json()).toMatchObject({ version: 2, title: 'Two' });
  } finally {
    await second.relay.close();
  }
});
