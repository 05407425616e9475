/**
 * The one contract every outbox store keeps, run against each of them: the in-memory outbox the
 * core's tests use, `SqlOutbox` over better-sqlite3 (Node) and `SqlOutbox` over a Durable
 * Object's SQLite in workerd (Workers). A store's test file is a call to `outboxContract` that
 * says how to open the store, and how to open it again as a second process would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lead } from '../../schema/lead.ts';
import type { Outbox, OutboxOptions } from '../outbox.ts';

/**
 * An outbox whose calls may all answer asynchronously (a Durable Object's are RPCs). Without the
 * optional `attemptInTransaction`, whose synchronous callback no RPC carries: it is tested beside
 * `SqlOutbox` (src/runtime/node/sqlite-store.test.ts).
 */
export type ContractOutbox = {
  [K in Exclude<keyof Outbox, 'attemptInTransaction'>]: (
    ...args: Parameters<Outbox[K]>
  ) => Awaited<ReturnType<Outbox[K]>> | Promise<Awaited<ReturnType<Outbox[K]>>>;
};

export interface OutboxUnderTest {
  outbox: ContractOutbox;
  /** The same store opened by another process (its own claims), as after a crash and restart. */
  reopen(): Promise<ContractOutbox>;
  close(): Promise<void>;
}

/** Options the contract opens stores with: a take-over wait of 1 s and a lease of 60 s. */
export const CONTRACT_OPTIONS = { takeOverAfterMs: 1_000, claimLeaseMs: 60_000 } satisfies OutboxOptions;

const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);

const lead = (id: string, receivedAt = T0, formId = 'contact'): Lead => ({
  id,
  formId,
  receivedAt: new Date(receivedAt).toISOString(),
  fields: { email: `${id}@example.com`, name: 'Zoë 山田 😀', consent: true },
  attribution: { first: { utm_source: 'newsletter' }, touches: 1 },
  page: 'https://www.example.com/contact',
});

export function outboxContract(store: string, open: (options: typeof CONTRACT_OPTIONS) => Promise<OutboxUnderTest>): void {
  describe(`${store}: outbox contract`, () => {
    let subject: OutboxUnderTest;
    let outbox: ContractOutbox;
    beforeEach(async () => {
      subject = await open(CONTRACT_OPTIONS);
      outbox = subject.outbox;
    });
    afterEach(() => subject.close());

    const accept = (id: string, { key = null as string | null, hash = 'h', at = T0, destination = 'crm', formId = 'contact' } = {}) =>
      outbox.accept({ lead: lead(id, at, formId), destination, idempotencyKey: key, bodyHash: hash });

    it('stores a lead whole, pending and due at its receipt', async () => {
      expect(await accept('a')).toEqual({ kind: 'stored', id: 'a' });
      expect(await outbox.get('a')).toEqual({
        id: 'a',
        leadId: 'a',
        formId: 'contact',
        destination: 'crm',
        state: 'pending',
        attempts: 0,
        createdAt: T0,
        replayedAt: null,
        nextAttemptAt: T0,
        lastError: null,
        uncertain: false,
        remoteId: null,
        lead: lead('a'),
      });
      expect(await outbox.get('missing')).toBeNull();
      expect(await outbox.stats()).toEqual({ pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 });
    });

    it('answers a repeated Idempotency-Key with the first id, and a reused one with a conflict', async () => {
      expect(await accept('a', { key: 'k', hash: 'h1' })).toEqual({ kind: 'stored', id: 'a' });
      expect(await accept('b', { key: 'k', hash: 'h1' })).toEqual({ kind: 'replayed', id: 'a' });
      expect(await accept('c', { key: 'k', hash: 'h2' })).toEqual({ kind: 'conflict', id: 'a' });
      // A key is scoped to its form, and no key never deduplicates.
      expect(await accept('d', { key: 'k', hash: 'h1', formId: 'other' })).toEqual({ kind: 'stored', id: 'd' });
      expect(await accept('e')).toEqual({ kind: 'stored', id: 'e' });
      expect(await accept('f')).toEqual({ kind: 'stored', id: 'f' });
      expect(await outbox.findByIdempotencyKey('contact', 'k')).toEqual({ id: 'a', bodyHash: 'h1' });
      expect(await outbox.findByIdempotencyKey('contact', 'unused')).toBeNull();
      expect((await outbox.stats()).pending).toBe(4);
    });

    it('hands out due entries oldest first, up to the limit, of one destination when asked, each once', async () => {
      await accept('late', { at: T0 + 3 });
      await accept('early', { at: T0 + 1 });
      await accept('other', { at: T0 + 2, destination: 'hook' });
      await accept('future', { at: T0 + 10_000 });
      expect((await outbox.due(T0 + 5, 2)).map((e) => e.id)).toEqual(['early', 'other']);
      // Claimed entries are not handed out again to the same process while it attempts them.
      expect((await outbox.due(T0 + 5, 10)).map((e) => e.id)).toEqual(['late']);
      expect(await outbox.due(T0 + 5, 10)).toEqual([]);
      expect((await outbox.due(T0 + 10_000, 10, 'hook')).map((e) => e.id)).toEqual([]);
      expect((await outbox.due(T0 + 10_000, 10, 'crm')).map((e) => ({ id: e.id, uncertain: e.uncertain }))).toEqual([{ id: 'future', uncertain: false }]);
    });

    it('records each attempt: counts it as it starts, waits until the next, keeps the error, and delivers with the remote id', async () => {
      await accept('a');
      const [claimed] = await outbox.due(T0, 1);
      expect(claimed).toMatchObject({ id: 'a', attempts: 0, uncertain: false });
      await outbox.start('a', T0);
      expect(await outbox.get('a')).toMatchObject({ state: 'pending', attempts: 1 });
      await outbox.record('a', { state: 'pending', nextAttemptAt: T0 + 500, error: 'HTTP 503', uncertain: false }, T0 + 10);
      expect(await outbox.get('a')).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: T0 + 500, lastError: 'HTTP 503', uncertain: false });
      expect(await outbox.due(T0 + 499, 10)).toEqual([]);
      expect(await outbox.nextDueAt()).toBe(T0 + 500);
      expect((await outbox.due(T0 + 500, 10)).map((e) => e.attempts)).toEqual([1]);
      await outbox.start('a', T0 + 500);
      await outbox.record('a', { state: 'delivered', remoteId: 'R-7' }, T0 + 600);
      expect(await outbox.get('a')).toMatchObject({ state: 'delivered', attempts: 2, lastError: null, remoteId: 'R-7' });
      expect(await outbox.stats()).toEqual({ pending: 0, delivered: 1, dead: 0, oldestPendingAt: null });
      expect(await outbox.nextDueAt()).toBeNull();
    });

    it('never forgets that an attempt may have reached the vendor', async () => {
      await accept('a');
      await outbox.due(T0, 1);
      await outbox.start('a', T0);
      await outbox.record('a', { state: 'pending', nextAttemptAt: T0, error: 'timed out', uncertain: true }, T0);
      await outbox.due(T0, 1);
      await outbox.start('a', T0);
      await outbox.record('a', { state: 'pending', nextAttemptAt: T0, error: 'HTTP 429', uncertain: false }, T0);
      expect(await outbox.get('a')).toMatchObject({ uncertain: true, attempts: 2 });
      await outbox.due(T0, 1);
      await outbox.record('a', { state: 'dead', error: 'HTTP 400' }, T0);
      expect(await outbox.get('a')).toMatchObject({ state: 'dead', uncertain: true, lastError: 'HTTP 400' });
      // A replay keeps it too: the replayed attempt looks before it creates.
      expect(await outbox.replay('a', T0 + 1)).toBe(true);
      expect((await outbox.due(T0 + 1, 1))[0]).toMatchObject({ id: 'a', uncertain: true, attempts: 0 });
    });

    it('lists each state newest first, up to the limit', async () => {
      for (const [i, id] of ['a', 'b', 'c'].entries()) await accept(id, { at: T0 + i });
      await outbox.due(T0 + 10, 1);
      await outbox.record('a', { state: 'dead', error: 'HTTP 401' }, T0 + 10);
      expect(await outbox.list('pending', 10)).toMatchObject({ entries: [{ id: 'c' }, { id: 'b' }], next: null });
      expect((await outbox.list('pending', 1)).entries.map((e) => e.id)).toEqual(['c']);
      expect(await outbox.list('dead', 10)).toEqual({
        entries: [expect.objectContaining({ id: 'a', lastError: 'HTTP 401', lead: lead('a', T0) })],
        next: null,
      });
      expect(await outbox.list('delivered', 10)).toEqual({ entries: [], next: null });
    });

    it('pages a list with a cursor: each entry once, ties on the time by id, stable while leads arrive', async () => {
      // Three accepted in the same millisecond, so only the id orders them.
      for (const [id, at] of [
        ['e1', T0 + 1],
        ['t-a', T0 + 2],
        ['t-c', T0 + 2],
        ['t-b', T0 + 2],
        ['e3', T0 + 3],
        ['e0', T0],
      ] as const)
        await accept(id, { at });
      await accept('other', { at: T0 + 2, destination: 'hook' });
      await outbox.due(T0 + 10, 1, 'hook');
      await outbox.record('other', { state: 'dead', error: 'HTTP 400' }, T0 + 10);
      const first = await outbox.list('pending', 2);
      expect(first.entries.map((e) => e.id)).toEqual(['e3', 't-c']);
      expect(first.next).toEqual(expect.any(String));
      // Leads accepted after the first page, newer and older, shift none of the pages that follow.
      await accept('newest', { at: T0 + 50 });
      await accept('older-tie', { at: T0 + 2 });
      const second = await outbox.list('pending', 2, first.next!);
      expect(second.entries.map((e) => e.id)).toEqual(['t-b', 't-a']);
      const third = await outbox.list('pending', 2, second.next!);
      expect(third.entries.map((e) => e.id)).toEqual(['older-tie', 'e1']);
      const last = await outbox.list('pending', 2, third.next!);
      expect(last).toMatchObject({ entries: [{ id: 'e0' }], next: null });
      // A page that ends exactly at the last entry says no page follows.
      expect((await outbox.list('pending', 8)).next).toBeNull();
      expect((await outbox.list('pending', 7)).next).toEqual(expect.any(String));
      expect((await outbox.list('dead', 1)).entries.map((e) => e.id)).toEqual(['other']);
    });

    it('keeps its counts right through dead letters, replays and deliveries, across a reopen', async () => {
      for (const id of ['a', 'b', 'c', 'd']) await accept(id);
      await accept('e', { at: T0 + 5 });
      await outbox.due(T0, 10);
      for (const id of ['a', 'b']) await outbox.start(id, T0);
      await outbox.record('a', { state: 'dead', error: 'HTTP 400' }, T0 + 10);
      await outbox.record('b', { state: 'dead', error: 'HTTP 400' }, T0 + 10);
      await outbox.record('c', { state: 'delivered', remoteId: 'R' }, T0 + 10);
      // An attempt recorded pending again, and a start on a dead letter, move no count.
      await outbox.record('d', { state: 'pending', nextAttemptAt: T0 + 20, error: 'HTTP 503', uncertain: false }, T0 + 10);
      await outbox.start('a', T0 + 10);
      expect(await outbox.stats()).toEqual({ pending: 2, delivered: 1, dead: 2, oldestPendingAt: T0 });
      const restarted = await subject.reopen();
      expect(await restarted.stats()).toEqual({ pending: 2, delivered: 1, dead: 2, oldestPendingAt: T0 });
      expect(await restarted.replay('a', T0 + 30)).toBe(true);
      expect(await restarted.replay('a', T0 + 30)).toBe(false);
      expect(await restarted.stats()).toEqual({ pending: 3, delivered: 1, dead: 1, oldestPendingAt: T0 });
      await restarted.due(T0 + 30, 10);
      for (const id of ['a', 'd']) await restarted.record(id, { state: 'delivered', remoteId: null }, T0 + 40);
      await restarted.record('e', { state: 'dead', error: 'HTTP 422' }, T0 + 40);
      await restarted.erasePayloads(T0 + 50);
      expect(await restarted.stats()).toEqual({ pending: 0, delivered: 3, dead: 2, oldestPendingAt: null });
      expect(await (await subject.reopen()).stats()).toEqual({ pending: 0, delivered: 3, dead: 2, oldestPendingAt: null });
      expect(await outbox.stats()).toEqual({ pending: 0, delivered: 3, dead: 2, oldestPendingAt: null });
    });

    it('replays a dead letter only: due at once, its attempts counted afresh from the replay', async () => {
      await accept('dead');
      await accept('pending');
      await outbox.due(T0, 1);
      await outbox.record('dead', { state: 'dead', error: 'gave up after 10 attempts' }, T0 + 5);
      expect(await outbox.replay('pending', T0 + 20)).toBe(false);
      expect(await outbox.replay('missing', T0 + 20)).toBe(false);
      expect(await outbox.replay('dead', T0 + 20)).toBe(true);
      expect(await outbox.get('dead')).toMatchObject({ state: 'pending', attempts: 0, replayedAt: T0 + 20, nextAttemptAt: T0 + 20 });
      expect(await outbox.replay('dead', T0 + 30)).toBe(false);
      expect((await outbox.due(T0 + 20, 10)).map((e) => e.id).sort()).toEqual(['dead', 'pending']);
    });

    it('erases the payloads of leads delivered before a time, and keeps their record', async () => {
      for (const id of ['old', 'new', 'dead']) await accept(id);
      await outbox.due(T0, 10);
      await outbox.record('old', { state: 'delivered', remoteId: null }, T0 + 100);
      await outbox.record('new', { state: 'delivered', remoteId: 'R' }, T0 + 200);
      await outbox.record('dead', { state: 'dead', error: 'HTTP 400' }, T0 + 50);
      expect(await outbox.oldestDeliveredPayloadAt()).toBe(T0 + 100);
      expect(await outbox.erasePayloads(T0 + 150)).toBe(1);
      expect(await outbox.get('old')).toMatchObject({ state: 'delivered', lead: null });
      expect((await outbox.get('new'))?.lead).toEqual(lead('new'));
      expect((await outbox.get('dead'))?.lead).toEqual(lead('dead'));
      expect(await outbox.oldestDeliveredPayloadAt()).toBe(T0 + 200);
      expect(await outbox.erasePayloads(T0 + 150)).toBe(0);
      // A dead letter whose payload is kept can be replayed; an erased one could not be delivered.
      expect(await outbox.replay('dead', T0 + 300)).toBe(true);
    });

    it('deletes leads delivered before a time, leaving a tombstone of each key that answers a late retry with the first id', async () => {
      await accept('old', { key: 'k-old', hash: 'h1' });
      await accept('unkeyed');
      await accept('recent', { key: 'k-recent' });
      await accept('dead', { key: 'k-dead' });
      await accept('pending', { key: 'k-pending', destination: 'hook' });
      await outbox.due(T0, 10, 'crm');
      await outbox.record('old', { state: 'delivered', remoteId: 'R1' }, T0 + 100);
      await outbox.record('unkeyed', { state: 'delivered', remoteId: null }, T0 + 100);
      await outbox.record('recent', { state: 'delivered', remoteId: 'R2' }, T0 + 200);
      await outbox.record('dead', { state: 'dead', error: 'HTTP 400' }, T0 + 50);
      expect(await outbox.deleteDelivered(T0 + 150, T0)).toEqual({ entries: 2, tombstones: 0 });
      expect(await outbox.get('old')).toBeNull();
      expect(await outbox.get('unkeyed')).toBeNull();
      for (const id of ['recent', 'dead', 'pending']) expect((await outbox.get(id))?.lead).toEqual(lead(id));
      // The counts are of the entries kept.
      expect(await outbox.stats()).toEqual({ pending: 1, delivered: 1, dead: 1, oldestPendingAt: T0 });
      expect(await outbox.destinationStats()).toEqual({
        crm: { pending: 0, delivered: 1, dead: 1, oldestPendingAt: null },
        hook: { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 },
      });
      expect((await outbox.list('delivered', 10)).entries.map((e) => e.id)).toEqual(['recent']);
      // A late retry of the deleted lead, in this process or another, is answered and stores nothing.
      const restarted = await subject.reopen();
      expect(await restarted.findByIdempotencyKey('contact', 'k-old')).toEqual({ id: 'old', bodyHash: 'h1' });
      expect(await restarted.accept({ lead: lead('retry'), destination: 'crm', idempotencyKey: 'k-old', bodyHash: 'h1' })).toEqual({
        kind: 'replayed',
        id: 'old',
      });
      expect(await accept('reuse', { key: 'k-old', hash: 'h2' })).toEqual({ kind: 'conflict', id: 'old' });
      expect(await outbox.findByIdempotencyKey('other', 'k-old')).toBeNull();
      expect(await outbox.get('retry')).toBeNull();
      expect((await outbox.stats()).pending).toBe(1);
      // A second pass finds nothing more to delete, and keeps the tombstone as long as its horizon.
      expect(await outbox.deleteDelivered(T0 + 150, T0 + 150)).toEqual({ entries: 0, tombstones: 0 });
      expect(await accept('retry', { key: 'k-old', hash: 'h1' })).toEqual({ kind: 'replayed', id: 'old' });
      // Past the horizon the tombstone goes, and the key is free again.
      expect(await outbox.deleteDelivered(T0 + 150, T0 + 151)).toEqual({ entries: 0, tombstones: 1 });
      expect(await outbox.findByIdempotencyKey('contact', 'k-old')).toBeNull();
      expect(await accept('later', { key: 'k-old', hash: 'h2' })).toEqual({ kind: 'stored', id: 'later' });
    });

    const fanOut = (id: string, destinations: string[], { key = null as string | null, hash = 'h', at = T0, keep = undefined as string[] | undefined } = {}) =>
      outbox.accept({ lead: lead(id, at), destinations, idempotencyKey: key, bodyHash: hash, ...(keep ? { keep } : {}) });

    it('stores a lead to several destinations as one entry each, named by the lead and the destination', async () => {
      expect(await fanOut('a', ['crm', 'team-alert', 'hook'])).toEqual({ kind: 'stored', id: 'a' });
      for (const destination of ['crm', 'team-alert', 'hook']) {
        expect(await outbox.get(`a.${destination}`)).toMatchObject({
          id: `a.${destination}`,
          leadId: 'a',
          destination,
          state: 'pending',
          attempts: 0,
          lead: lead('a'),
        });
      }
      // The lead's own id names no entry: each destination's is its own.
      expect(await outbox.get('a')).toBeNull();
      // A list of one is the single destination: the entry keeps the lead's id.
      expect(await fanOut('b', ['crm'], { at: T0 + 1 })).toEqual({ kind: 'stored', id: 'b' });
      expect(await outbox.get('b')).toMatchObject({ id: 'b', leadId: 'b', destination: 'crm' });
      expect(await outbox.stats()).toEqual({ pending: 4, delivered: 0, dead: 0, oldestPendingAt: T0 });
      expect(await outbox.destinationStats()).toEqual({
        crm: { pending: 2, delivered: 0, dead: 0, oldestPendingAt: T0 },
        'team-alert': { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 },
        hook: { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 },
      });
      expect((await outbox.list('pending', 10)).entries.map((e) => e.id).sort()).toEqual(['a.crm', 'a.hook', 'a.team-alert', 'b']);
    });

    it("gives each destination's entry its own attempts, state, dead letter and replay", async () => {
      await fanOut('a', ['crm', 'hook']);
      expect((await outbox.due(T0, 10, 'hook')).map((e) => e.id)).toEqual(['a.hook']);
      await outbox.start('a.hook', T0);
      await outbox.record('a.hook', { state: 'dead', error: 'HTTP 410', uncertain: true }, T0 + 5);
      expect(await outbox.get('a.crm')).toMatchObject({ state: 'pending', attempts: 0, lastError: null, uncertain: false });
      expect((await outbox.due(T0 + 5, 10, 'crm')).map((e) => e.id)).toEqual(['a.crm']);
      await outbox.start('a.crm', T0 + 5);
      await outbox.record('a.crm', { state: 'delivered', remoteId: 'R-1' }, T0 + 6);
      expect(await outbox.get('a.hook')).toMatchObject({ state: 'dead', attempts: 1, lastError: 'HTTP 410', uncertain: true, remoteId: null });
      expect(await outbox.destinationStats()).toEqual({
        crm: { pending: 0, delivered: 1, dead: 0, oldestPendingAt: null },
        hook: { pending: 0, delivered: 0, dead: 1, oldestPendingAt: null },
      });
      expect(await outbox.replay('a.crm', T0 + 10)).toBe(false);
      expect(await outbox.replay('a.hook', T0 + 10)).toBe(true);
      expect(await outbox.get('a.hook')).toMatchObject({ state: 'pending', attempts: 0, uncertain: true });
      const restarted = await subject.reopen();
      expect(await restarted.destinationStats()).toEqual({
        crm: { pending: 0, delivered: 1, dead: 0, oldestPendingAt: null },
        hook: { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 },
      });
      expect(await restarted.stats()).toEqual({ pending: 1, delivered: 1, dead: 0, oldestPendingAt: T0 });
    });

    it("answers a repeated key of a lead to several destinations with the lead's id, storing nothing twice", async () => {
      expect(await fanOut('a', ['crm', 'hook'], { key: 'k', hash: 'h1' })).toEqual({ kind: 'stored', id: 'a' });
      expect(await fanOut('b', ['crm', 'hook'], { key: 'k', hash: 'h1' })).toEqual({ kind: 'replayed', id: 'a' });
      expect(await fanOut('c', ['crm', 'hook'], { key: 'k', hash: 'h2' })).toEqual({ kind: 'conflict', id: 'a' });
      expect(await outbox.findByIdempotencyKey('contact', 'k')).toEqual({ id: 'a', bodyHash: 'h1' });
      expect(await outbox.stats()).toMatchObject({ pending: 2 });
      expect(await outbox.get('b.crm')).toBeNull();
    });

    it('deletes at most the limit of entries in one call, oldest delivered first', async () => {
      for (const id of ['a', 'b', 'c']) await accept(id, { key: `k-${id}` });
      await outbox.due(T0, 10);
      for (const [i, id] of ['c', 'a', 'b'].entries()) await outbox.record(id, { state: 'delivered', remoteId: null }, T0 + 10 + i);
      expect(await outbox.deleteDelivered(T0 + 100, T0, 2)).toEqual({ entries: 2, tombstones: 0 });
      expect((await outbox.list('delivered', 10)).entries.map((e) => e.id)).toEqual(['b']);
      expect(await outbox.findByIdempotencyKey('contact', 'k-c')).toEqual({ id: 'c', bodyHash: 'h' });
      expect(await outbox.deleteDelivered(T0 + 100, T0, 2)).toEqual({ entries: 1, tombstones: 0 });
      expect(await outbox.stats()).toEqual({ pending: 0, delivered: 0, dead: 0, oldestPendingAt: null });
    });

    it('deletes a lead to several destinations only once every one of its entries was delivered before the time', async () => {
      await fanOut('a', ['crm', 'hook'], { key: 'k', hash: 'h1' });
      await fanOut('b', ['crm', 'hook'], { key: 'kb', at: T0 + 1 });
      await outbox.due(T0 + 1, 10);
      await outbox.record('a.crm', { state: 'delivered', remoteId: 'R1' }, T0 + 100);
      await outbox.record('a.hook', { state: 'pending', nextAttemptAt: T0 + 500, error: 'HTTP 503', uncertain: false }, T0 + 100);
      await outbox.record('b.crm', { state: 'delivered', remoteId: 'R2' }, T0 + 100);
      await outbox.record('b.hook', { state: 'delivered', remoteId: null }, T0 + 300);
      // Neither lead has all its entries delivered before T0 + 200: nothing goes.
      expect(await outbox.deleteDelivered(T0 + 200, T0)).toEqual({ entries: 0, tombstones: 0 });
      expect(await outbox.get('a.crm')).toMatchObject({ state: 'delivered' });
      expect(await outbox.get('b.crm')).toMatchObject({ state: 'delivered' });
      await outbox.due(T0 + 500, 10);
      await outbox.record('a.hook', { state: 'delivered', remoteId: null }, T0 + 500);
      expect(await outbox.deleteDelivered(T0 + 400, T0)).toEqual({ entries: 2, tombstones: 0 });
      expect(await outbox.get('b.crm')).toBeNull();
      expect(await outbox.get('b.hook')).toBeNull();
      expect(await outbox.get('a.crm')).toMatchObject({ state: 'delivered' });
      expect(await outbox.deleteDelivered(T0 + 600, T0)).toEqual({ entries: 2, tombstones: 0 });
      // A destination none of whose entries is kept has no counts.
      expect(await outbox.destinationStats()).toEqual({});
      expect(await fanOut('c', ['crm', 'hook'], { key: 'k', hash: 'h1' })).toEqual({ kind: 'replayed', id: 'a' });
      expect(await fanOut('d', ['crm', 'hook'], { key: 'kb', hash: 'h2' })).toEqual({ kind: 'conflict', id: 'b' });
      expect(await outbox.stats()).toEqual({ pending: 0, delivered: 0, dead: 0, oldestPendingAt: null });
    });

    it('keeps only the entries it is given to keep, each named by all the destinations', async () => {
      expect(await fanOut('a', ['crm', 'hook'], { key: 'k', keep: ['hook'] })).toEqual({ kind: 'stored', id: 'a' });
      expect(await outbox.get('a.hook')).toMatchObject({ leadId: 'a', destination: 'hook' });
      expect(await outbox.get('a.crm')).toBeNull();
      // The same lead's missing entry, completed later under the same key, is stored once.
      expect(await fanOut('a', ['crm', 'hook'], { key: 'k', keep: ['hook'] })).toEqual({ kind: 'replayed', id: 'a' });
      expect(await outbox.destinationStats()).toEqual({ hook: { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 } });
    });

    it('names the destinations that have leads waiting', async () => {
      await accept('a', { destination: 'crm' });
      await accept('b', { destination: 'renamed' });
      await accept('c', { destination: 'done' });
      await outbox.due(T0, 10, 'done');
      await outbox.record('c', { state: 'delivered', remoteId: null }, T0);
      expect([...(await outbox.pendingDestinations())].sort()).toEqual(['crm', 'renamed']);
    });

    it('gives another process an entry a dead one claimed only after the take-over wait, as uncertain', async () => {
      await accept('a');
      await accept('b');
      expect((await outbox.due(T0, 1)).map((e) => e.id)).toEqual(['a']);
      await outbox.start('a', T0); // the attempt starts, then the process dies
      const restarted = await subject.reopen();
      expect((await restarted.due(T0, 10)).map((e) => e.id)).toEqual(['b']);
      await restarted.record('b', { state: 'delivered', remoteId: null }, T0);
      expect(await restarted.due(T0 + CONTRACT_OPTIONS.takeOverAfterMs - 1, 10)).toEqual([]);
      expect(await restarted.nextDueAt()).toBe(T0 + CONTRACT_OPTIONS.takeOverAfterMs);
      const taken = await restarted.due(T0 + CONTRACT_OPTIONS.takeOverAfterMs, 10);
      // The attempt the process died in counts: the taken-over entry has used one.
      expect(taken.map((e) => ({ id: e.id, uncertain: e.uncertain, attempts: e.attempts }))).toEqual([{ id: 'a', uncertain: true, attempts: 1 }]);
      await restarted.start('a', T0 + 2_000);
      // The store keeps what the record says: carrying the uncertainty on is the delivery loop's part.
      await restarted.record('a', { state: 'pending', nextAttemptAt: T0, error: 'HTTP 503', uncertain: false }, T0 + 2_000);
      expect(await outbox.get('a')).toMatchObject({ attempts: 2, uncertain: false });
      expect((await outbox.due(T0 + 2_000, 10))[0]).toMatchObject({ id: 'a', uncertain: false });
    });

    it('keeps counting the attempts of an entry whose every attempt stops its process, so they run out', async () => {
      await accept('a');
      let process = outbox;
      for (let crash = 0; crash < 3; crash++) {
        const at = T0 + crash * CONTRACT_OPTIONS.takeOverAfterMs;
        const [claimed] = await process.due(at, 1);
        expect(claimed).toMatchObject({ id: 'a', attempts: crash, uncertain: crash > 0 });
        await process.start('a', at); // then the process dies before it records the attempt
        process = await subject.reopen();
      }
      expect(await process.get('a')).toMatchObject({ state: 'pending', attempts: 3 });
      // A replay counts afresh; starting an entry that is not pending counts nothing.
      await process.due(T0 + 3 * CONTRACT_OPTIONS.takeOverAfterMs, 1);
      await process.record('a', { state: 'dead', error: 'gave up after 3 attempts', uncertain: true }, T0 + 3_000);
      await process.start('a', T0 + 3_000);
      expect(await process.get('a')).toMatchObject({ state: 'dead', attempts: 3, uncertain: true });
      expect(await process.replay('a', T0 + 4_000)).toBe(true);
      expect(await process.get('a')).toMatchObject({ state: 'pending', attempts: 0, uncertain: true });
    });

    it('wakes for its own claim whose record failed when the lease runs out, not before', async () => {
      await accept('a');
      await outbox.due(T0, 1);
      await outbox.start('a', T0); // the vendor is called, then recording the outcome fails
      expect(await outbox.nextDueAt()).toBe(T0 + CONTRACT_OPTIONS.claimLeaseMs + 1);
      expect(await outbox.due(T0 + CONTRACT_OPTIONS.claimLeaseMs, 1)).toEqual([]);
      expect((await outbox.due(T0 + CONTRACT_OPTIONS.claimLeaseMs + 1, 1))[0]).toMatchObject({ id: 'a', uncertain: true, attempts: 1 });
      // Another process may take it over after the take-over wait.
      await accept('b');
      await outbox.due(T0, 1);
      const other = await subject.reopen();
      expect(await other.nextDueAt()).toBe(T0 + CONTRACT_OPTIONS.takeOverAfterMs);
    });

    it('wakes for the soonest of its claims and the unclaimed entries, whichever comes first', async () => {
      await accept('claimed');
      await outbox.due(T0, 1);
      await outbox.start('claimed', T0);
      await accept('later');
      const [later] = await outbox.due(T0, 1);
      expect(later?.id).toBe('later');
      const far = T0 + 10 * CONTRACT_OPTIONS.claimLeaseMs;
      await outbox.record('later', { state: 'pending', nextAttemptAt: far, error: 'HTTP 503', uncertain: false }, T0);
      // The claim's lease ends before the unclaimed entry is due again.
      expect(await outbox.nextDueAt()).toBe(T0 + CONTRACT_OPTIONS.claimLeaseMs + 1);
      await outbox.record('claimed', { state: 'pending', nextAttemptAt: far + 5, error: 'HTTP 503', uncertain: false }, T0);
      expect(await outbox.nextDueAt()).toBe(far);
    });

    it("keeps each destination's latest call starts, as a second process finds them", async () => {
      expect(await outbox.callStarts('crm')).toEqual([]);
      await outbox.keepCallStarts('crm', [T0, T0 + 10]);
      await outbox.keepCallStarts('hook', [T0 + 5]);
      await outbox.keepCallStarts('crm', [T0 + 10, T0 + 20, T0 + 30]);
      const restarted = await subject.reopen();
      expect(await restarted.callStarts('crm')).toEqual([T0 + 10, T0 + 20, T0 + 30]);
      expect(await restarted.callStarts('hook')).toEqual([T0 + 5]);
      expect(await restarted.callStarts('other')).toEqual([]);
    });

    it('takes back its own claim once the lease has run out, as uncertain', async () => {
      await accept('a');
      await outbox.due(T0, 1);
      expect(await outbox.due(T0 + CONTRACT_OPTIONS.claimLeaseMs, 1)).toEqual([]);
      expect((await outbox.due(T0 + CONTRACT_OPTIONS.claimLeaseMs + 1, 1)).map((e) => ({ id: e.id, uncertain: e.uncertain }))).toEqual([
        { id: 'a', uncertain: true },
      ]);
    });
  });
}
