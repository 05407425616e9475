import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqlOutbox } from '../../relay/sql-outbox.ts';
import { outboxContract } from '../../relay/testing/outbox-contract.ts';
import type { Lead } from '../../schema/lead.ts';
import type { SqlDriver } from '../../storage/sql-driver.ts';
import { betterSqliteDriver, openDurableDatabase, SqliteStore } from './sqlite-store.ts';

outboxContract('SqlOutbox over better-sqlite3 (Node)', async (options) => {
  const folder = mkdtempSync(join(tmpdir(), 'leadform-outbox-contract-'));
  const file = join(folder, 'leadform.sqlite');
  const stores = [new SqliteStore({ file, ...options })];
  return {
    outbox: stores[0]!,
    reopen: async () => {
      const again = new SqliteStore({ file, ...options });
      stores.push(again);
      return again;
    },
    close: async () => {
      for (const store of stores) store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});

const lead = (id: string): Lead => ({ id, formId: 'f', receivedAt: new Date(1_000).toISOString(), fields: { email: `${id}@b.co` } });

let dir: string;
let db: ReturnType<typeof openDurableDatabase>;
let commits: number;
let outbox: SqlOutbox;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-sql-outbox-'));
  db = openDurableDatabase(join(dir, 'outbox.sqlite'));
  const driver = betterSqliteDriver(db);
  const counting: SqlDriver = {
    ...driver,
    transaction: (fn) => {
      commits++;
      return driver.transaction(fn);
    },
  };
  outbox = new SqlOutbox(counting, { batch: (flush) => setImmediate(flush) });
  // Only the accepts' commits: opening a new file commits its state counts first.
  commits = 0;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const accept = (id: string, idempotencyKey: string | null = null, bodyHash = 'h') =>
  outbox.accept({ lead: lead(id), destination: 'crm', idempotencyKey, bodyHash });

describe('group commit', () => {
  it('commits concurrent accepts in one transaction, each answered as if it were alone', async () => {
    const results = await Promise.all([
      accept('a', 'k1', 'h1'),
      accept('b', 'k1', 'h1'),
      accept('c', 'k1', 'other'),
      ...Array.from({ length: 20 }, (_, i) => accept(`n${i}`)),
    ]);
    expect(commits).toBe(1);
    expect(results.slice(0, 3)).toEqual([
      { kind: 'stored', id: 'a' },
      { kind: 'replayed', id: 'a' },
      { kind: 'conflict', id: 'a' },
    ]);
    expect(results.slice(3).every((r) => r.kind === 'stored')).toBe(true);
    expect((await outbox.stats()).pending).toBe(21);
  });

  it('refuses only the accept whose write fails, and stores its neighbours', async () => {
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const results = await Promise.allSettled([accept('ok'), accept('bad'), accept('fine')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await outbox.list('pending', 10)).entries.map((e) => e.id).sort()).toEqual(['fine', 'ok']);
  });

  it('gives an accept that arrives after a batch its own commit', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => accept(`x${i}`)));
    await accept('y');
    expect(commits).toBe(2);
  });
});

describe('group commit of the attempts', () => {
  it('commits the starts, then the records, of attempts made together in one relaxed transaction each', async () => {
    const driver = betterSqliteDriver(db);
    let relaxedCommits = 0;
    const counting: SqlDriver = {
      ...driver,
      transaction: (fn) => {
        relaxedCommits++;
        return driver.transaction(fn);
      },
    };
    const batched = new SqlOutbox(counting, { relaxedBatch: queueMicrotask });
    for (const id of ['a', 'b', 'c', 'd']) await batched.accept({ lead: lead(id), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    await batched.due(5_000, 10);
    relaxedCommits = 0;
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => batched.start(id, 5_000)));
    expect(relaxedCommits).toBe(1);
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => batched.record(id, { state: 'delivered', remoteId: null }, 5_010)));
    expect(relaxedCommits).toBe(2);
    expect(await batched.stats()).toMatchObject({ pending: 0, delivered: 4 });
    expect((await batched.get('c'))?.attempts).toBe(1);
    // One write that fails is retried alone: only it fails.
    await batched.accept({ lead: lead('e'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    db.exec("CREATE TRIGGER refuse_a BEFORE UPDATE ON outbox WHEN NEW.id = 'a' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const results = await Promise.allSettled([batched.start('e', 6_000), batched.record('a', { state: 'dead', error: 'x' }, 6_000)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((await batched.get('e'))?.attempts).toBe(1);
  });
});

describe('a database file written by an earlier version', () => {
  it('gains the columns and state counts added since, and its dead letters still replay', async () => {
    const file = join(dir, 'earlier.sqlite');
    const earlier = openDurableDatabase(file);
    // The outbox table as the first release created it, before replayed_at.
    earlier.exec(`CREATE TABLE outbox (
      id TEXT PRIMARY KEY, form_id TEXT NOT NULL, destination TEXT NOT NULL, idempotency_key TEXT,
      body_hash TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      last_error TEXT, uncertain INTEGER NOT NULL DEFAULT 0, remote_id TEXT, lead TEXT,
      claimed_by TEXT, claimed_at INTEGER)`);
    earlier
      .prepare(`INSERT INTO outbox (id, form_id, destination, body_hash, state, attempts, created_at, next_attempt_at, updated_at, last_error, lead)
        VALUES ('old', 'f', 'crm', 'h', 'dead', 6, 1000, 1000, 1000, 'HTTP 503', ?)`)
      .run(JSON.stringify(lead('old')));
    const row = earlier.prepare(`INSERT INTO outbox (id, form_id, destination, body_hash, state, created_at, next_attempt_at, updated_at, lead)
        VALUES (?, 'f', 'crm', 'h', ?, ?, ?, ?, '{}')`);
    for (const [id, state, at] of [
      ['p1', 'pending', 3000],
      ['p2', 'pending', 2000],
      ['d1', 'delivered', 1500],
      ['d2', 'delivered', 1600],
    ] as const)
      row.run(id, state, at, at, at);
    earlier.close();

    const reopened = openDurableDatabase(file);
    try {
      const upgraded = new SqlOutbox(betterSqliteDriver(reopened));
      // Its state counts are built on open, from the rows already there.
      expect(await upgraded.stats()).toEqual({ pending: 2, delivered: 2, dead: 1, oldestPendingAt: 2000 });
      expect(await upgraded.get('old')).toMatchObject({ state: 'dead', replayedAt: null, lastError: 'HTTP 503' });
      expect(await upgraded.replay('old', 5000)).toBe(true);
      expect(await upgraded.get('old')).toMatchObject({ state: 'pending', attempts: 0, replayedAt: 5000 });
      expect(await upgraded.stats()).toEqual({ pending: 3, delivered: 2, dead: 0, oldestPendingAt: 1000 });
      // Opening it again finds every column and the counts present and changes nothing.
      const again = new SqlOutbox(betterSqliteDriver(reopened));
      expect(await again.get('old')).toMatchObject({ replayedAt: 5000 });
      expect(await again.stats()).toEqual({ pending: 3, delivered: 2, dead: 0, oldestPendingAt: 1000 });
    } finally {
      reopened.close();
    }
  });
});

describe('a database file written before leads had several destinations', () => {
  // Written by SqliteStore at commit 8ebc2de (the relay before fan-out): a dead letter and a pending
  // lead to "crm", each with an Idempotency-Key, and a delivered one to "sandbox".
  const FIXTURE = fileURLToPath(new URL('./fixtures/outbox-one-destination.sqlite', import.meta.url));
  const T0 = Date.UTC(2026, 10, 1);

  it('keeps its entries, keys and dead letters, counts them per destination, and takes leads to several', async () => {
    const file = join(dir, 'upgraded.sqlite');
    copyFileSync(FIXTURE, file);
    const store = new SqliteStore({ file, groupCommit: false });
    try {
      expect(await store.stats()).toEqual({ pending: 1, delivered: 1, dead: 1, oldestPendingAt: T0 + 1000 });
      expect(await store.destinationStats()).toEqual({
        crm: { pending: 1, delivered: 0, dead: 1, oldestPendingAt: T0 + 1000 },
        sandbox: { pending: 0, delivered: 1, dead: 0, oldestPendingAt: null },
      });
      // An entry of before is its lead's: the entry's id is the lead's.
      expect(await store.get('old-dead')).toMatchObject({
        id: 'old-dead',
        leadId: 'old-dead',
        destination: 'crm',
        state: 'dead',
        lastError: 'HTTP 401: invalid token',
      });
      expect(await store.findByIdempotencyKey('contact', 'key-pending')).toEqual({ id: 'old-pending', bodyHash: 'h-pending' });
      const retry = { lead: { id: 'new-id', formId: 'contact', receivedAt: new Date(T0 + 9000).toISOString(), fields: {} }, idempotencyKey: 'key-pending' };
      expect(await store.accept({ ...retry, destination: 'crm', bodyHash: 'h-pending' })).toEqual({ kind: 'replayed', id: 'old-pending' });
      expect(await store.accept({ ...retry, destination: 'crm', bodyHash: 'other' })).toEqual({ kind: 'conflict', id: 'old-pending' });
      expect(await store.replay('old-dead', T0 + 10_000)).toBe(true);
      // The key's old index (one entry per key) is gone: a lead to two destinations stores both entries.
      const fanned = { id: 'fan', formId: 'contact', receivedAt: new Date(T0 + 20_000).toISOString(), fields: {} };
      expect(await store.accept({ lead: fanned, destinations: ['crm', 'team-alert'], idempotencyKey: 'key-fan', bodyHash: 'h' })).toEqual({
        kind: 'stored',
        id: 'fan',
      });
      expect((await store.due(T0 + 20_000, 10, 'team-alert')).map((entry) => entry.id)).toEqual(['fan.team-alert']);
      // Its index of every entry by due time is replaced by one of pending entries only.
      const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'outbox_%due'").pluck().all();
      expect(indexes).toEqual(['outbox_pending_due']);
      expect(await store.destinationStats()).toEqual({
        crm: { pending: 3, delivered: 0, dead: 0, oldestPendingAt: T0 },
        sandbox: { pending: 0, delivered: 1, dead: 0, oldestPendingAt: null },
        'team-alert': { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 + 20_000 },
      });
    } finally {
      store.close();
    }
    // Opened again, the upgrade is not redone: the counts stay as they were.
    const again = new SqliteStore({ file, groupCommit: false });
    try {
      expect(await again.stats()).toEqual({ pending: 4, delivered: 1, dead: 0, oldestPendingAt: T0 });
    } finally {
      again.close();
    }
  });
});

describe('attempts in one transaction', () => {
  const due = (id: string) => outbox.accept({ lead: lead(id), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });

  it('claims, attempts, counts and records a batch of due entries in one commit', async () => {
    for (const id of ['a', 'b', 'c']) await due(id);
    await outbox.accept({ lead: lead('d'), destination: 'other', idempotencyKey: null, bodyHash: 'h' });
    // Claimed by this process for an attempt of its own: not taken again.
    expect((await outbox.due(5_000, 1, 'crm')).map((entry) => entry.id)).toEqual(['a']);
    commits = 0;
    const seen: string[] = [];
    const batch = await outbox.attemptInTransaction(outbox.sql, 'crm', 5_000, 10, (entry) => {
      seen.push(entry.id);
      return entry.id === 'b'
        ? { record: { state: 'delivered', remoteId: 'r-b' }, counted: true, outcome: 'delivered' }
        : { record: { state: 'dead', error: 'ran out' }, counted: false, outcome: 'interrupted' };
    });
    expect(commits).toBe(1);
    expect(seen).toEqual(['b', 'c']);
    expect(batch?.map(({ entry, record, outcome }) => [entry.id, record.state, outcome])).toEqual([
      ['b', 'delivered', 'delivered'],
      ['c', 'dead', 'interrupted'],
    ]);
    expect(await outbox.get('b')).toMatchObject({ state: 'delivered', attempts: 1, remoteId: 'r-b', lastError: null });
    expect(await outbox.get('c')).toMatchObject({ state: 'dead', attempts: 0, lastError: 'ran out' });
    expect(await outbox.get('d')).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await outbox.stats()).toMatchObject({ pending: 2, delivered: 1, dead: 1 });
  });

  it('answers null for another database, and keeps nothing of a batch whose attempt throws', async () => {
    for (const id of ['a', 'b']) await due(id);
    const other = betterSqliteDriver(db);
    expect(
      await outbox.attemptInTransaction(other, 'crm', 5_000, 10, () => ({
        record: { state: 'delivered', remoteId: null },
        counted: true,
        outcome: 'delivered',
      })),
    ).toBeNull();
    db.exec('CREATE TABLE delivered_here (id TEXT)');
    const attempt = outbox.attemptInTransaction(outbox.sql, 'crm', 5_000, 10, (entry) => {
      outbox.sql.run('INSERT INTO delivered_here (id) VALUES (?)', entry.id);
      if (entry.id === 'b') throw new Error('cannot write b');
      return { record: { state: 'delivered', remoteId: null }, counted: true, outcome: 'delivered' };
    });
    await expect(attempt).rejects.toThrow('cannot write b');
    expect(db.prepare('SELECT COUNT(*) AS n FROM delivered_here').get()).toEqual({ n: 0 });
    // Neither claimed nor counted: both are due again, to this process too.
    expect((await outbox.due(5_000, 10, 'crm')).map((entry) => [entry.id, entry.attempts, entry.uncertain])).toEqual([
      ['a', 0, false],
      ['b', 0, false],
    ]);
  });
});

describe('the file check after each commit of accepts', () => {
  it('runs once per group commit, and refuses every accept of a commit that finds the file gone, withdrawing its lead', async () => {
    const file = join(dir, 'checked.sqlite');
    const store = new SqliteStore({ file, watchMs: 60_000 });
    try {
      const health = vi.spyOn(store, 'health');
      const five = (prefix: string) =>
        Array.from({ length: 5 }, (_, i) => store.accept({ lead: lead(`${prefix}${i}`), destination: 'crm', idempotencyKey: null, bodyHash: 'h' }));
      expect((await Promise.all(five('a'))).map((result) => result.kind)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);
      expect(health).toHaveBeenCalledTimes(1);
      renameSync(file, `${file}.elsewhere`);
      const refused = await Promise.allSettled(five('b'));
      expect(refused.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
      expect(health).toHaveBeenCalledTimes(2);
      for (const result of refused) expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'storage_unavailable' });
      expect(await store.stats()).toMatchObject({ pending: 5 });
      expect(await store.get('b0')).toBeNull();
    } finally {
      store.close();
    }
  });
});
