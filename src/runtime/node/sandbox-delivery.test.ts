import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { sandbox } from '../../destinations/sandbox.ts';
import type { SqlSandboxInbox } from '../../destinations/sandbox-store.ts';
import { sqlSandboxInbox } from '../../destinations/sandbox-store.ts';
import type { Destination } from '../../destinations/types.ts';
import { parseConfig } from '../../relay/config.ts';
import { deliverDue, IN_TRANSACTION_BATCH } from '../../relay/delivery.ts';
import type { LogFields } from '../../relay/log.ts';
import type { Lead } from '../../schema/lead.ts';
import { SqliteStore } from './sqlite-store.ts';

const config = (() => {
  const result = parseConfig({
    forms: { f: { fields: [{ name: 'email', type: 'email' }], destination: 'inbox' } },
    destinations: { inbox: { type: 'sandbox' } },
    delivery: { maxAttempts: 3 },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
})();

const lead = (id: string): Lead => ({ id, formId: 'f', receivedAt: new Date(1_000).toISOString(), fields: { email: `${id}@b.co` } });

let dir: string;
let store: SqliteStore;
let logged: { event: string; fields?: LogFields }[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-sandbox-delivery-'));
  store = new SqliteStore({ file: join(dir, 'leadform.sqlite') });
  logged = [];
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const deps = (destination: Destination) => ({
  config,
  outbox: store,
  destinations: new Map([['inbox', destination]]),
  now: () => 5_000,
  log: (event: string, fields?: LogFields) => logged.push({ event, fields }),
});

const accept = (ids: string[]) => Promise.all(ids.map((id) => store.accept({ lead: lead(id), destination: 'inbox', idempotencyKey: null, bodyHash: 'h' })));

function built(): Destination {
  const made = sandbox({}, { sql: store.sql });
  if (!made.ok) throw new Error(made.problems.join('\n'));
  return made.value;
}

it('delivers sandbox leads in one transaction per batch, with no claim of its own and nothing in the ordinary path', async () => {
  const count = IN_TRANSACTION_BATCH + 44;
  const ids = Array.from({ length: count }, (_, i) => `lead-${String(i).padStart(4, '0')}`);
  await accept(ids);
  // A lead whose earlier attempt added it to the inbox, then stopped before its record.
  await sqlSandboxInbox(store.sql).add(lead(ids[3]!), 4_000);
  const durable = vi.spyOn(store.sql, 'transaction');
  const relaxed = vi.spyOn(store.sql, 'relaxedTransaction');
  const destination = built();
  const deliver = vi.spyOn(destination, 'deliver');
  expect(await deliverDue(deps(destination), Number.POSITIVE_INFINITY, 'inbox')).toBe(count);
  expect(durable).not.toHaveBeenCalled();
  expect(relaxed).toHaveBeenCalledTimes(2);
  expect(deliver).not.toHaveBeenCalled();
  expect(await store.stats()).toMatchObject({ pending: 0, delivered: count, dead: 0 });
  expect(await store.get(ids[0]!)).toMatchObject({ state: 'delivered', attempts: 1, remoteId: ids[0], lastError: null });
  const inbox = await sqlSandboxInbox(store.sql).list(1000);
  expect(inbox.map((item) => item.lead.id).sort()).toEqual(ids);
  expect(inbox.find((item) => item.lead.id === ids[3])?.deliveredAt).toBe(4_000);
  const attempts = logged.filter((line) => line.event === 'delivery.attempt');
  expect(attempts).toHaveLength(count);
  expect(attempts[3]?.fields).toMatchObject({ id: ids[3], destination: 'inbox', attempt: 1, outcome: 'exists', state: 'delivered' });
  expect(await deliverDue(deps(destination), Number.POSITIVE_INFINITY, 'inbox')).toBe(0);
});

it('ends an entry whose attempts ran out as a dead letter, uncounted, as an ordinary attempt would', async () => {
  await accept(['spent', 'fresh']);
  store.sql.run("UPDATE outbox SET attempts = 3, last_error = 'HTTP 500' WHERE id = 'spent'");
  expect(await deliverDue(deps(built()), 10, 'inbox')).toBe(2);
  expect(await store.get('spent')).toMatchObject({ state: 'dead', attempts: 3 });
  expect((await store.get('spent'))?.lastError).toMatch(/^gave up after 3 attempts: .*\(the attempt before it: HTTP 500\)$/);
  expect(await store.get('fresh')).toMatchObject({ state: 'delivered', attempts: 1 });
  expect(logged.find((line) => line.fields?.id === 'spent')?.fields).toMatchObject({ attempt: 3, outcome: 'interrupted', state: 'dead' });
});

it('goes the ordinary way, lead by lead, when a batch throws, and keeps nothing of the batch', async () => {
  await accept(['a', 'b', 'c']);
  const inbox: SqlSandboxInbox = sqlSandboxInbox(store.sql);
  const destination: Destination = {
    type: 'sandbox',
    deliver: async (l) => ({ kind: (await inbox.add(l, 6_000)) === 'added' ? 'delivered' : 'exists', remoteId: l.id }),
    inTransaction: {
      sql: store.sql,
      deliver: (l, now) => {
        inbox.addNow(l, now);
        if (l.id === 'b') throw new Error('cannot store b');
        return { kind: 'delivered', remoteId: l.id };
      },
      withdraw: (leadId) => inbox.removeNow(leadId),
    },
  };
  expect(await deliverDue(deps(destination), Number.POSITIVE_INFINITY, 'inbox')).toBe(3);
  expect(logged.find((line) => line.event === 'delivery.batch_failed')?.fields).toMatchObject({ destination: 'inbox', error: 'Error: cannot store b' });
  expect(await store.stats()).toMatchObject({ pending: 0, delivered: 3 });
  // Every lead was added by the ordinary path: the batch's adds were rolled back with it.
  expect((await inbox.list(10)).map((item) => item.deliveredAt)).toEqual([6_000, 6_000, 6_000]);
});
