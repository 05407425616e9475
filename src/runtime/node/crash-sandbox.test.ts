/**
 * Crash safety of the sandbox's deliveries, both made in the outbox's own transactions: at accept
 * (the lead stored with its delivery and its record in one commit) and in batches (leads left
 * pending, each batch claimed, delivered and recorded in one). SIGKILL the relay while it does
 * both, start it again on the same data, and every lead it acknowledged is in the inbox once,
 * recorded delivered, and no entry is recorded delivered whose lead the inbox lacks.
 */
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { startFixtureRelay } from './crash-testing.ts';
import { SqliteStore } from './sqlite-store.ts';

const FIXTURE = fileURLToPath(new URL('./crash-sandbox.fixture.ts', import.meta.url));

const startRelay = (dataDir: string) => startFixtureRelay(FIXTURE, { LEADFORM_DATA_DIR: dataDir });

/** Resolves once `child` has exited (by a signal too), however long ago. */
const exited = (child: ChildProcess) => new Promise((done) => (child.exitCode === null && child.signalCode === null ? child.once('exit', done) : done(null)));

const health = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as { outbox: { pending: number; delivered: number } }).outbox;

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Leads a relay before this one stored and never delivered: the batches' work once it starts. */
async function storePending(dataDir: string, count: number): Promise<string[]> {
  const store = new SqliteStore({ file: join(dataDir, 'leadform.sqlite') });
  try {
    const ids = Array.from({ length: count }, (_, i) => `waiting-${i}`);
    const receivedAt = new Date().toISOString();
    await Promise.all(
      ids.map((id) =>
        store.accept({
          lead: { id, formId: 'contact', receivedAt, fields: { email: `${id}@example.com` } },
          destination: 'inbox',
          idempotencyKey: null,
          bodyHash: 'h',
        }),
      ),
    );
    return ids;
  } finally {
    store.close();
  }
}

it('keeps every acknowledged lead, delivered to the inbox once, across a SIGKILL while it accepts and delivers in batches', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-sandbox-crash-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const acknowledged = await storePending(dataDir, 20_000);
  const first = await startRelay(dataDir);
  cleanups.push(() => first.child.kill('SIGKILL'));
  let killed = false;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (!killed) {
        const i = next++;
        try {
          const response = await fetch(`${first.url}/v1/forms/contact/submissions`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `lead-${i}` },
            body: JSON.stringify({ fields: { email: `lead${i}@example.com` } }),
          });
          if (response.status === 202) acknowledged.push(((await response.json()) as { id: string }).id);
        } catch {
          // The kill cut this request off: never acknowledged.
        }
        // Killed with some leads delivered and others still waiting: while it delivers.
        const outbox = acknowledged.length >= 20_100 && !killed ? await health(first.url).catch(() => null) : null;
        if (!killed && outbox && outbox.delivered > 0 && outbox.pending > 0) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    }),
  );
  await exited(first.child);

  const second = await startRelay(dataDir);
  cleanups.push(() => second.child.kill('SIGKILL'));
  const deadline = Date.now() + 20_000;
  while ((await health(second.url)).pending > 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  second.child.kill('SIGTERM');
  await exited(second.child);

  const db = new Database(join(dataDir, 'leadform.sqlite'), { readonly: true });
  try {
    const delivered = new Set((db.prepare("SELECT id FROM outbox WHERE state = 'delivered'").all() as { id: string }[]).map((row) => row.id));
    const inbox = (db.prepare('SELECT lead_id FROM sandbox_inbox').all() as { lead_id: string }[]).map((row) => row.lead_id);
    expect(db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state != 'delivered'").get()).toEqual({ n: 0 });
    expect(acknowledged.filter((id) => !delivered.has(id))).toEqual([]);
    expect([...inbox].sort()).toEqual([...delivered].sort());
    expect(acknowledged.length).toBeGreaterThanOrEqual(20_100);
  } finally {
    db.close();
  }
}, 60_000);
