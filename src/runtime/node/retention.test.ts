/**
 * Retention on a real SQLite file: deleting delivered leads (not only their payloads) lets the file
 * stop growing, since the pages they held go to the freelist and the next leads reuse them; and a
 * file written by an earlier release opens and is retained the same way.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Lead } from '../../schema/lead.ts';
import { SqliteStore } from './sqlite-store.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-retention-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('stops the file growing: each day the leads delivered a day before are deleted and their pages reused', async () => {
  const store = new SqliteStore({ file: join(dir, 'outbox.sqlite') });
  const pages = () => ({
    pageCount: store.db.pragma('page_count', { simple: true }) as number,
    freelistCount: store.db.pragma('freelist_count', { simple: true }) as number,
  });
  const perDay = 1_000;
  const message = 'a message of some length, as a lead carries one. '.repeat(20);
  const figures: { day: number; pageCount: number; freelistCount: number }[] = [];
  try {
    for (let day = 0; day < 6; day++) {
      const at = T0 + day * DAY;
      const leads = Array.from({ length: perDay }, (_, i): Lead => {
        const id = `d${day}-${i}`;
        return { id, formId: 'contact', receivedAt: new Date(at).toISOString(), fields: { email: `${id}@example.com`, message } };
      });
      await Promise.all(leads.map((lead) => store.accept({ lead, destination: 'crm', idempotencyKey: `key-${lead.id}`, bodyHash: 'h' })));
      await store.due(at, perDay);
      await Promise.all(leads.map((lead) => store.record(lead.id, { state: 'delivered', remoteId: null }, at)));
      // Retention of one day; tombstones kept one day more.
      const deliveredBefore = at - DAY + 1;
      await store.deleteDelivered(deliveredBefore, deliveredBefore - DAY);
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      figures.push({ day, ...pages() });
    }
  } finally {
    store.close();
  }
  console.log(`retention: ${perDay} leads a day, page_count and freelist_count after each day's pass:`);
  for (const figure of figures) console.log(`  day ${figure.day}: page_count ${figure.pageCount}, freelist_count ${figure.freelistCount}`);
  // Leads were deleted, and their pages went to the freelist for the next day's leads.
  expect(figures.slice(1).every((figure) => figure.freelistCount > 0)).toBe(true);
  // From the day the horizon is reached (a day of leads and a day of tombstones kept), no growth.
  const steady = figures[3]!.pageCount;
  for (const figure of figures.slice(4)) expect(figure.pageCount).toBeLessThanOrEqual(Math.ceil(steady * 1.02));
  // Without deletion, six days of leads would take more than twice the file of the steady state.
  expect(figures[0]!.pageCount * 6).toBeGreaterThan(steady * 2);
}, 60_000);

it('deletes the delivered leads of a file written before several destinations, keeping the rest', async () => {
  // Written by SqliteStore at commit 8ebc2de: a dead letter and a pending lead to "crm", each with
  // an Idempotency-Key, and a delivered one to "sandbox" (see sqlite-store.test.ts).
  const file = join(dir, 'upgraded.sqlite');
  copyFileSync(fileURLToPath(new URL('./fixtures/outbox-one-destination.sqlite', import.meta.url)), file);
  const store = new SqliteStore({ file, groupCommit: false });
  try {
    expect(await store.deleteDelivered(T0 + 365 * DAY, T0)).toEqual({ entries: 1, tombstones: 0 });
    expect(await store.stats()).toEqual({ pending: 1, delivered: 0, dead: 1, oldestPendingAt: T0 + 1000 });
    expect(await store.destinationStats()).toEqual({ crm: { pending: 1, delivered: 0, dead: 1, oldestPendingAt: T0 + 1000 } });
    expect(await store.get('old-dead')).toMatchObject({ state: 'dead' });
    expect(await store.findByIdempotencyKey('contact', 'key-pending')).toEqual({ id: 'old-pending', bodyHash: 'h-pending' });
  } finally {
    store.close();
  }
});
