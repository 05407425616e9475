import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { betterSqliteDriver, openDurableDatabase, SqliteStore } from '../../runtime/node/sqlite-store.ts';
import type { Lead } from '../../schema/lead.ts';
import { MemoryOutbox } from '../memory-outbox.ts';
import { type CounterRow, type CountersStore, counterBatcher, memoryCountersStore } from './counters.ts';
import type { FunnelEvent } from './events.ts';
import { LEAD_TALLY_RECOUNT, type LeadTally, listedLeadTally, sqlLeadTally } from './lead-tally.ts';
import { sqlCountersStore } from './sql-counters.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadform-insight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (type: FunnelEvent['type'], more: Partial<FunnelEvent> = {}): FunnelEvent => ({
  type,
  step: '',
  field: '',
  source: '',
  medium: '',
  campaign: '',
  device: '',
  version: 0,
  ...more,
});
const DAY1 = Date.parse('2026-11-30T23:59:59Z');
const DAY2 = Date.parse('2026-12-01T00:00:01Z');

const stores: [string, () => CountersStore][] = [
  ['memory', () => memoryCountersStore()],
  ['SQLite on disk', () => sqlCountersStore(betterSqliteDriver(openDurableDatabase(join(dir, `counters-${Math.random()}.sqlite`))))],
];

describe.each(stores)('counters in %s', (_, makeStore) => {
  it('adds into one counter per day × form × version × type × step × field × campaign × device, and reads a range of days', async () => {
    const store = makeStore();
    const rows: CounterRow[] = [
      { ...event('view', { source: 'google', device: 'mobile' }), day: '2026-11-30', formId: 'a', n: 2 },
      { ...event('view', { source: 'google', device: 'mobile' }), day: '2026-11-30', formId: 'a', n: 3 },
      { ...event('view', { source: 'google', device: 'tablet' }), day: '2026-11-30', formId: 'a', n: 1 },
      { ...event('view', { source: 'google', device: 'mobile', version: 2 }), day: '2026-11-30', formId: 'a', n: 1 },
      { ...event('abandon', { step: 's', field: 'email' }), day: '2026-12-01', formId: 'a', n: 1 },
      { ...event('view'), day: '2026-12-01', formId: 'b', n: 7 },
    ];
    await store.add(rows);
    const read = await store.read('a', '2026-11-30', '2026-11-30');
    expect(read.map((row) => [row.device, row.version, row.n]).sort()).toEqual([
      ['mobile', 0, 5],
      ['mobile', 2, 1],
      ['tablet', 0, 1],
    ]);
    expect((await store.read('a', '2026-11-30', '2026-12-01')).length).toBe(4);
    expect(await store.read('a', '2026-12-01', '2026-12-01')).toEqual([
      { ...event('abandon', { step: 's', field: 'email' }), day: '2026-12-01', formId: 'a', n: 1 },
    ]);
    expect((await store.read('b', '2026-11-01', '2026-11-30')).length).toBe(0);
  });
});

describe('the batching writer', () => {
  it('counts in memory and writes at most once per interval, each event on the day it was counted', async () => {
    vi.useFakeTimers();
    try {
      const store = memoryCountersStore();
      const writes: number[] = [];
      const add = store.add.bind(store);
      store.add = async (rows) => {
        writes.push(rows.length);
        return add(rows);
      };
      let now = DAY1;
      const batcher = counterBatcher({ store, now: () => now, flushMs: 1000 });
      for (let i = 0; i < 100; i++) batcher.count('a', [event('view')]);
      now = DAY2;
      batcher.count('a', [event('view'), event('start')]);
      expect(writes).toEqual([]);
      expect(batcher.pending()).toBe(102);
      await vi.advanceTimersByTimeAsync(999);
      expect(writes).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      // Three counters (two days of views, one of starts) in one write.
      expect(writes).toEqual([3]);
      expect(batcher.pending()).toBe(0);
      expect((await store.read('a', '2026-11-30', '2026-11-30'))[0]!.n).toBe(100);
      await vi.advanceTimersByTimeAsync(5000);
      expect(writes).toEqual([3]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the counts of a failed write for the next one', async () => {
    const store = memoryCountersStore();
    const add = store.add.bind(store);
    let fail = true;
    store.add = async (rows) => {
      if (fail) throw new Error('disk full');
      return add(rows);
    };
    const errors: unknown[] = [];
    const batcher = counterBatcher({ store, now: () => DAY2, onError: (error) => errors.push(error) });
    batcher.count('a', [event('view'), event('view')]);
    await batcher.flush();
    expect(errors.length).toBe(1);
    expect(batcher.pending()).toBe(2);
    fail = false;
    batcher.count('a', [event('view')]);
    await batcher.close();
    expect((await store.read('a', '2026-12-01', '2026-12-01'))[0]!.n).toBe(3);
  });
});

const lead = (id: string, touch?: { last?: Record<string, string>; first?: Record<string, string> }): Lead => ({
  id,
  formId: 'f',
  receivedAt: new Date(DAY2).toISOString(),
  fields: { email: 'a@b.co' },
  ...(touch ? { attribution: touch } : {}),
});

/** Accepts three leads on two days (two destinations for one), delivers one and kills one. */
async function fill(outbox: SqliteStore | MemoryOutbox): Promise<void> {
  await outbox.accept({
    lead: lead('l1', { last: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'winter' } }),
    destination: 'crm',
    idempotencyKey: 'k1',
    bodyHash: 'h',
  });
  await outbox.accept({ lead: lead('l2', { first: { utm_source: 'news' } }), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
  await outbox.accept({ lead: { ...lead('l3'), formId: 'other' }, destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
  // A partial lead (the visitor left; promoted later) is no submission, delivered or not.
  await outbox.accept({
    lead: { ...lead('l4', { last: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'winter' } }), partial: true },
    destination: 'crm',
    idempotencyKey: 'partial:k4',
    bodyHash: 'partial',
  });
  const due = await outbox.due(Number.MAX_SAFE_INTEGER, 10);
  for (const entry of due) {
    await outbox.start(entry.id, DAY2);
    if (entry.id === 'l1' || entry.id === 'l4') await outbox.record(entry.id, { state: 'delivered', remoteId: '1' }, DAY2);
    else if (entry.id === 'l2') await outbox.record(entry.id, { state: 'dead', error: 'HTTP 401' }, DAY2);
    else await outbox.record(entry.id, { state: 'pending', nextAttemptAt: DAY2, error: 'HTTP 503', uncertain: false }, DAY2);
  }
}

describe('the lead tally', () => {
  const sorted = async (tally: LeadTally) => (await tally.read('f', '2026-11-01', '2026-12-31')).sort((a, b) => a.source.localeCompare(b.source));
  const expected = [
    { day: '2026-12-01', destination: 'crm', source: 'google', medium: 'cpc', campaign: 'winter', accepted: 1, delivered: 1, dead: 0 },
    { day: '2026-12-01', destination: 'crm', source: 'news', medium: '', campaign: '', accepted: 1, delivered: 0, dead: 1 },
  ];

  it('is kept by the outbox file itself, in the accept and record transactions, and survives a replay and retention', async () => {
    const file = join(dir, 'outbox.sqlite');
    const outbox = new SqliteStore({ file });
    const tally = sqlLeadTally(outbox);
    await fill(outbox);
    expect(await sorted(tally)).toEqual(expected);
    // A replay takes the dead letter back to pending.
    expect(await outbox.replay('l2', Date.now())).toBe(true);
    expect((await sorted(tally))[1]).toMatchObject({ accepted: 1, dead: 0 });
    // Retention deleting the delivered lead leaves its count.
    await outbox.erasePayloads(Number.MAX_SAFE_INTEGER);
    await outbox.deleteDelivered(Number.MAX_SAFE_INTEGER, 0);
    expect(await outbox.get('l1')).toBeNull();
    expect((await sorted(tally))[0]).toMatchObject({ source: 'google', accepted: 1, delivered: 1 });
    outbox.close();
  });

  it('counts the entries a file already holds when it is first installed, once', async () => {
    const file = join(dir, 'before.sqlite');
    const outbox = new SqliteStore({ file });
    await fill(outbox);
    expect(await sorted(sqlLeadTally(outbox))).toEqual(expected);
    expect(await sorted(sqlLeadTally(outbox))).toEqual(expected);
    // Installed twice, it still counts a lead stored afterwards once.
    await outbox.accept({ lead: lead('l5', { first: { utm_source: 'news' } }), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    expect((await sorted(sqlLeadTally(outbox)))[1]).toMatchObject({ source: 'news', accepted: 2 });
    outbox.close();
  });

  it('adds what each group commit stores as the outbox itself would count it, for every shape of campaign, and moves it with the entry', async () => {
    const outbox = new SqliteStore({ file: join(dir, 'shapes.sqlite') });
    const tally = sqlLeadTally(outbox);
    const touches: Parameters<typeof lead>[1][] = [
      undefined,
      {},
      { first: { utm_source: 'news' } },
      { last: { utm_source: 'google', utm_medium: 'cpc' } },
      { first: { utm_source: 'news', utm_campaign: 'spring' }, last: {} },
      { first: { utm_source: 'news' }, last: { utm_campaign: 'winter' } },
    ];
    // In one group commit: several leads share each row, two days, two destinations each, and a partial.
    await Promise.all(
      touches.flatMap((touch, i) =>
        [DAY1, DAY2, DAY2].map((at, j) =>
          outbox.accept({
            lead: { ...lead(`s${i}-${j}`, touch), receivedAt: new Date(at).toISOString(), ...(i === 3 && j === 2 ? { partial: true as const } : {}) },
            destinations: ['crm', 'team'],
            idempotencyKey: null,
            bodyHash: 'h',
          }),
        ),
      ),
    );
    const recount = () =>
      outbox.db
        .prepare(LEAD_TALLY_RECOUNT)
        .raw()
        .all()
        .map((row) => (row as unknown[]).join('|'))
        .sort();
    const kept = () =>
      outbox.db
        .prepare('SELECT form_id, day, destination, source, medium, campaign, accepted, delivered, dead FROM insight_leads WHERE accepted > 0')
        .raw()
        .all()
        .map((row) => (row as unknown[]).join('|'))
        .sort();
    expect(kept()).toEqual(recount());
    // Four campaigns (none, {} and a last touch of {} are all the empty one), two days, two destinations.
    expect(kept()).toHaveLength(4 * 2 * 2);
    // The update trigger reads the same row from the lead's JSON that the accept wrote from the lead.
    for (const entry of await outbox.due(Number.MAX_SAFE_INTEGER, 100)) await outbox.record(entry.id, { state: 'delivered', remoteId: null }, DAY2);
    expect(kept()).toEqual(recount());
    expect((await tally.read('f', '2026-11-30', '2026-12-01')).every((row) => row.delivered === row.accepted)).toBe(true);
    outbox.close();
  });

  it('reads the same figures from the outbox in memory', async () => {
    const outbox = new MemoryOutbox();
    await fill(outbox);
    expect(await sorted(listedLeadTally(outbox))).toEqual(expected);
  });
});
