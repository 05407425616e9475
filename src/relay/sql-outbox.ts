/**
 * The outbox in SQL, shared by every runtime whose storage is SQLite: better-sqlite3 on Node and
 * a Durable Object's own SQLite on Workers. Each brings a small synchronous `SqlDriver`; the
 * statements and the claim rules are written once, here.
 */
import type { Lead } from '../schema/lead.ts';
import { relaxedTransaction, type SqlDriver } from '../storage/sql-driver.ts';
import {
  type AcceptInput,
  type AcceptTimeDelivery,
  acceptDestinations,
  type AcceptResult,
  type AttemptRecord,
  type DeletedDelivered,
  type DeliveryState,
  type DestinationStats,
  decodeCursor,
  type InTransactionAttempt,
  encodeCursor,
  entryId,
  type KeyLookup,
  type Outbox,
  type OutboxEntry,
  type OutboxOptions,
  type OutboxPage,
  type OutboxStats,
} from './outbox.ts';

interface Row {
  id: string;
  /** Null for an entry written before leads had several destinations: its id is the lead's. */
  lead_id: string | null;
  form_id: string;
  destination: string;
  state: DeliveryState;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_error: string | null;
  uncertain: number;
  remote_id: string | null;
  lead: string | null;
  claimed_by: string | null;
  replayed_at: number | null;
}

export const OUTBOX_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    destination TEXT NOT NULL,
    idempotency_key TEXT,
    body_hash TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_error TEXT,
    uncertain INTEGER NOT NULL DEFAULT 0,
    remote_id TEXT,
    lead TEXT,
    -- Which process is attempting the entry right now, and since when.
    claimed_by TEXT,
    claimed_at INTEGER,
    -- When an admin last replayed the dead letter: its age for maxAgeHours counts from here.
    replayed_at INTEGER,
    -- The lead's id, shared by its entries (one per destination); NULL in a file written before
    -- then, where the entry's id is the lead's.
    lead_id TEXT
  )`,
  // One entry per destination of a lead, each with the lead's key. (Files written before several
  // destinations had outbox_idempotency on (form_id, idempotency_key): dropped on open.)
  'CREATE UNIQUE INDEX IF NOT EXISTS outbox_key ON outbox (form_id, idempotency_key, destination) WHERE idempotency_key IS NOT NULL',
  // The pending entries in the order they are due, for `due` and `nextDueAt` (which name it: the
  // planner would rather sort another index's rows). Pending only, so a delivered or dead entry
  // leaves it, and one delivered as it was accepted never enters it. (Files written before had
  // outbox_due on (state, next_attempt_at), over every entry: dropped on open.)
  "CREATE INDEX IF NOT EXISTS outbox_pending_due ON outbox (next_attempt_at, created_at) WHERE state = 'pending'",
  // The admin list, newest first, and the oldest pending entry for /healthz: both read the
  // index from one end instead of sorting or counting the table.
  'CREATE INDEX IF NOT EXISTS outbox_state_created ON outbox (state, created_at DESC, id DESC)',
  // Each destination's oldest pending entry for /healthz, read from one end: pending entries only,
  // so a delivered lead leaves it, and a backlog at one CRM costs the others nothing to read.
  "CREATE INDEX IF NOT EXISTS outbox_pending_destination ON outbox (destination, created_at) WHERE state = 'pending'",
  // Retention's delivered entries past the cutoff, read from one end (see `deleteDelivered`): a
  // pass with nothing to delete reads no row, instead of every delivered one.
  "CREATE INDEX IF NOT EXISTS outbox_delivered_at ON outbox (updated_at) WHERE state = 'delivered'",
  // The starts of the latest calls to each destination's vendor, as a JSON array: the pacer's
  // window, so a restarted process paces as the one before it did.
  'CREATE TABLE IF NOT EXISTS pacing (destination TEXT PRIMARY KEY, starts TEXT NOT NULL)',
  // The Idempotency-Keys of leads retention deleted (see `deleteDelivered`), so a late retry of
  // one is answered with its first id instead of being stored and delivered again. `kept_from` is
  // the `deliveredBefore` of the pass that left it, which the tombstone horizon counts from.
  `CREATE TABLE IF NOT EXISTS outbox_tombstones (
    form_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    lead_id TEXT NOT NULL,
    kept_from INTEGER NOT NULL,
    PRIMARY KEY (form_id, idempotency_key)
  ) WITHOUT ROWID`,
  'CREATE INDEX IF NOT EXISTS outbox_tombstones_kept_from ON outbox_tombstones (kept_from)',
];

/**
 * The delivered entries `deleteDelivered` may delete: delivered before the cutoff (both `?`), and
 * so is every other entry of the same lead here. A lead's other entries are named
 * `<lead id>.<destination>`, so they are a range of the primary key (`/` follows `.`): no index of
 * its own. An entry of a file written before fan-out (no lead_id) is its lead's only one.
 */
const DELETABLE = `state = 'delivered' AND updated_at < ? AND (lead_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM outbox AS sibling WHERE sibling.id > outbox.lead_id || '.' AND sibling.id < outbox.lead_id || '/'
      AND (sibling.state != 'delivered' OR sibling.updated_at >= ?)))`;

/**
 * Columns added after the first release, with their types: a database file written before one
 * existed gets it on open. CREATE TABLE above already holds them all, for new files.
 */
const ADDED_COLUMNS: [name: string, type: string][] = [
  ['replayed_at', 'INTEGER'],
  ['lead_id', 'TEXT'],
];

function addMissingColumns(sql: SqlDriver): void {
  const present = new Set(sql.all<{ name: string }>("SELECT name FROM pragma_table_info('outbox')").map((column) => column.name));
  for (const [name, type] of ADDED_COLUMNS) if (!present.has(name)) sql.exec(`ALTER TABLE outbox ADD COLUMN ${name} ${type}`);
  // The key's index of a file written before several destinations: it would refuse a lead's second entry.
  sql.exec('DROP INDEX IF EXISTS outbox_idempotency');
  // Replaced by outbox_pending_due, which holds pending entries only.
  sql.exec('DROP INDEX IF EXISTS outbox_due');
  // The accept counts what it stores itself (`countStored`), a write per group commit rather than per entry.
  sql.exec('DROP TRIGGER IF EXISTS outbox_destination_counts_insert');
}

/**
 * How many entries each destination holds in each state, kept in the same transaction as the
 * write that moves an entry, so `stats()` and `destinationStats()` read a few rows instead of
 * counting the table: by the accept itself for the entries it stores (one write per destination
 * and state a group commit touches, see `countStored`), by triggers for a record, a replay, a
 * delete. A file written before the table existed gets it on open, counted once; the per-state
 * table of earlier files (outbox_counts) and its triggers are dropped then, and the insert
 * trigger of files that had one on every open.
 */
const DESTINATION_COUNTS = [
  'DROP TRIGGER IF EXISTS outbox_counts_insert',
  'DROP TRIGGER IF EXISTS outbox_counts_delete',
  'DROP TRIGGER IF EXISTS outbox_counts_update',
  'DROP TABLE IF EXISTS outbox_counts',
  'CREATE TABLE outbox_destination_counts (destination TEXT NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (destination, state))',
  'INSERT INTO outbox_destination_counts (destination, state, n) SELECT destination, state, COUNT(*) FROM outbox GROUP BY destination, state',
  `CREATE TRIGGER IF NOT EXISTS outbox_destination_counts_delete AFTER DELETE ON outbox BEGIN
     UPDATE outbox_destination_counts SET n = n - 1 WHERE destination = OLD.destination AND state = OLD.state;
   END`,
  `CREATE TRIGGER IF NOT EXISTS outbox_destination_counts_update AFTER UPDATE OF state ON outbox WHEN OLD.state IS NOT NEW.state BEGIN
     UPDATE outbox_destination_counts SET n = n - 1 WHERE destination = OLD.destination AND state = OLD.state;
     INSERT INTO outbox_destination_counts (destination, state, n) VALUES (NEW.destination, NEW.state, 1)
       ON CONFLICT (destination, state) DO UPDATE SET n = n + 1;
   END`,
];

function addDestinationCounts(sql: SqlDriver): void {
  const present = () => sql.all("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox_destination_counts'").length > 0;
  if (present()) return;
  // Asked again inside the transaction, so two processes opening one file at once count it once.
  sql.transaction(() => {
    if (!present()) for (const statement of DESTINATION_COUNTS) sql.run(statement);
  });
}

export interface SqlOutboxOptions extends OutboxOptions {
  /**
   * Group commit: accepts that arrive while a batch is being gathered are written in one
   * transaction (one fsync), and each resolves only after that transaction committed. Pass the
   * runtime's "after pending I/O" scheduler (`setImmediate` on Node). Without it, each accept
   * commits on its own.
   */
  batch?: (flush: () => void) => void;
  /**
   * Shares one relaxed transaction between the attempt writes (`start`, `record`) asked for
   * before `flush` runs. Pass `queueMicrotask`: the attempts of one pass that start together (up
   * to `DeliveryDeps.concurrency` of a destination) then count themselves in one commit, without
   * waiting for the event loop's next turn, which a flood of accepts would delay. Without it, each
   * commits on its own.
   */
  relaxedBatch?: (flush: () => void) => void;
}

export class SqlOutbox implements Outbox {
  /** Tells this process's claims from those a crashed one left behind. */
  private readonly processId = crypto.randomUUID();
  private readonly claimLeaseMs: number;
  private readonly takeOverAfterMs: number;
  private queue: { input: AcceptInput; done: (result: AcceptResult) => void; fail: (error: unknown) => void }[] = [];
  private relaxedQueue: { write: () => unknown; done: () => void; fail: (error: unknown) => void }[] = [];
  private readonly storedHooks: ((input: AcceptInput) => void)[] = [];
  private readonly entriesHooks: ((entries: readonly StoredEntry[]) => void)[] = [];
  private readonly atAccept = new Map<string, AcceptTimeDelivery>();

  constructor(
    /** The binding, shared with destinations that keep tables of their own in the same database. */
    readonly sql: SqlDriver,
    private readonly options: SqlOutboxOptions = {},
  ) {
    for (const statement of OUTBOX_SCHEMA) sql.exec(statement);
    addMissingColumns(sql);
    addDestinationCounts(sql);
    this.claimLeaseMs = options.claimLeaseMs ?? 60_000;
    this.takeOverAfterMs = options.takeOverAfterMs ?? 0;
  }

  /**
   * Runs `hook` inside the transaction of every lead stored anew, so a write of another table in
   * the same database commits with the lead or not at all (the partial a final submission
   * supersedes). A hook that throws refuses the lead.
   */
  onStoredInTransaction(hook: (input: AcceptInput) => void): void {
    this.storedHooks.push(hook);
  }

  /**
   * Runs `hook` once in every transaction that stores leads, with all the entries it stored: a
   * summary kept beside the outbox (the leads' tally) then writes each of its rows once per group
   * commit, not once per entry as a trigger would. A hook that throws refuses those leads.
   */
  onEntriesStored(hook: (entries: readonly StoredEntry[]) => void): void {
    this.entriesHooks.push(hook);
  }

  /**
   * Makes `destination`'s first attempt inside the transaction that stores each of its leads, for
   * a destination whose delivery is a write to this database (the sandbox inbox): the entry is
   * stored with that attempt's record (delivered, as a rule), so it costs no transaction and no
   * delivery pass of its own, and a crash keeps the lead, its delivery and its record together or
   * none of them. An entry the attempt leaves pending is delivered by the loop, as any other.
   */
  deliverWhenAccepted(destination: string, delivery: AcceptTimeDelivery): void {
    if (delivery.sql !== this.sql) throw new Error(`outbox: destination "${destination}" writes to another database and cannot be delivered at accept`);
    this.atAccept.set(destination, delivery);
  }

  /**
   * Counts the commits of accepts (each group commit once): an accept that resolves has been
   * committed by the latest one, so a check made after it holds for every accept it answers.
   */
  protected acceptCommits = 0;

  accept(input: AcceptInput): Promise<AcceptResult> {
    const { batch } = this.options;
    if (!batch) {
      this.acceptCommits++;
      const attempted: AttemptedAtAccept[] = [];
      const [result] = this.sql.transaction(() => this.acceptAll([input], attempted));
      this.recordedAtAccept(attempted);
      return Promise.resolve(result!);
    }
    return new Promise((done, fail) => {
      if (this.queue.push({ input, done, fail }) === 1) batch(() => this.flush());
    });
  }

  /** Commits every queued accept in one transaction, then answers each of them. */
  private flush(): void {
    const queued = this.queue;
    this.queue = [];
    this.acceptCommits++;
    let results: AcceptResult[];
    const attempted: AttemptedAtAccept[] = [];
    const inputs = queued.map(({ input }) => input);
    try {
      results = this.sql.transaction(() => this.acceptAll(inputs, attempted));
    } catch {
      // One bad write must not fail its neighbours: retry each alone, so only it is refused.
      for (const { input, done, fail } of queued) {
        const own: AttemptedAtAccept[] = [];
        try {
          const [result] = this.sql.transaction(() => this.acceptAll([input], own));
          this.recordedAtAccept(own);
          done(result!);
        } catch (error) {
          fail(error);
        }
      }
      return;
    }
    this.recordedAtAccept(attempted);
    queued.forEach(({ done }, i) => {
      done(results[i]!);
    });
  }

  /** Tells each accept-time delivery what was recorded, once its transaction committed. */
  private recordedAtAccept(attempted: AttemptedAtAccept[]): void {
    for (const { delivery, entry, attempt, now } of attempted) delivery.recorded(entry, attempt, now);
  }

  /** Stores accepts in the caller's transaction, and counts what they stored; the attempts made at accept go to `attempted`. */
  private acceptAll(inputs: readonly AcceptInput[], attempted: AttemptedAtAccept[]): AcceptResult[] {
    const stored: StoredEntry[] = [];
    const results = inputs.map((input) => this.acceptOne(input, attempted, stored));
    if (stored.length) this.countStored(stored);
    return results;
  }

  /** Adds the entries one transaction stored to the counts, one write per destination and state, then runs `onEntriesStored`'s hooks. */
  private countStored(stored: readonly StoredEntry[]): void {
    const counts = new Map<string, { destination: string; state: DeliveryState; n: number }>();
    for (const { destination, state } of stored) {
      const key = `${destination}\n${state}`;
      const count = counts.get(key);
      if (count) count.n++;
      else counts.set(key, { destination, state, n: 1 });
    }
    for (const { destination, state, n } of counts.values()) {
      this.sql.run(
        'INSERT INTO outbox_destination_counts (destination, state, n) VALUES (?, ?, ?) ON CONFLICT (destination, state) DO UPDATE SET n = n + excluded.n',
        destination,
        state,
        n,
      );
    }
    for (const hook of this.entriesHooks) hook(stored);
  }

  /** Stores one accept in the caller's transaction; what it stored goes to `stored`, the attempts made at accept to `attempted`. */
  private acceptOne(input: AcceptInput, attempted: AttemptedAtAccept[], stored: StoredEntry[]): AcceptResult {
    if (input.idempotencyKey !== null) {
      const existing = this.findKey(input.lead.formId, input.idempotencyKey);
      if (existing) return { kind: existing.bodyHash === input.bodyHash ? 'replayed' : 'conflict', id: existing.id };
    }
    const now = Date.parse(input.lead.receivedAt);
    const destinations = acceptDestinations(input);
    const lead = JSON.stringify(input.lead);
    for (const destination of input.keep ?? destinations) {
      const id = entryId(input.lead.id, destination, destinations.length);
      const delivery = this.atAccept.get(destination);
      const made = delivery ? this.attemptAtAccept(delivery, input, id, destination, now, lead) : null;
      const columns = made ? recordColumns(made.attempt.record, now) : pendingColumns(now);
      // Stored in the state its first attempt ended it in, if it had one: no update moves it between the indexes.
      this.sql.run(
        `INSERT INTO outbox (id, lead_id, form_id, destination, idempotency_key, body_hash, created_at, updated_at, lead,
           state, next_attempt_at, last_error, attempts, uncertain, remote_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id,
        input.lead.id,
        input.lead.formId,
        destination,
        input.idempotencyKey,
        input.bodyHash,
        now,
        now,
        lead,
        columns.state,
        columns.nextAttemptAt,
        columns.lastError,
        made?.attempt.counted ? 1 : 0,
        columns.uncertain,
        columns.remoteId,
      );
      stored.push({ destination, state: columns.state, createdAt: now, lead: input.lead });
      if (made) attempted.push(made);
    }
    for (const hook of this.storedHooks) hook(input);
    return { kind: 'stored', id: input.lead.id };
  }

  /** The first attempt of an entry about to be stored, made by `delivery` in the accept's transaction. */
  private attemptAtAccept(delivery: AcceptTimeDelivery, input: AcceptInput, id: string, destination: string, now: number, leadJson: string) {
    const entry: OutboxEntry = {
      id,
      leadId: input.lead.id,
      formId: input.lead.formId,
      destination,
      state: 'pending',
      attempts: 0,
      createdAt: now,
      replayedAt: null,
      nextAttemptAt: now,
      lastError: null,
      uncertain: false,
      remoteId: null,
      lead: input.lead,
    };
    return { delivery, entry, attempt: delivery.attempt(entry, now, leadJson), now };
  }

  /**
   * Takes back what `accept` stored for `input` as lead `leadId`, where nothing else has happened
   * to it since: entries no attempt has started on, and entries delivered as they were accepted
   * (with that delivery undone) that no later attempt has touched. For an accept whose 202 is
   * withdrawn (its database file was moved away meanwhile): the visitor is told to send it again.
   */
  withdraw(input: AcceptInput, leadId: string): void {
    const destinations = acceptDestinations(input);
    this.sql.transaction(() => {
      for (const destination of input.keep ?? destinations) {
        const id = entryId(leadId, destination, destinations.length);
        const delivery = this.atAccept.get(destination);
        if (!delivery) this.sql.run('DELETE FROM outbox WHERE id = ? AND attempts = 0 AND claimed_by IS NULL', id);
        else if (this.sql.run('DELETE FROM outbox WHERE id = ? AND attempts <= 1 AND claimed_by IS NULL', id) === 1) delivery.withdraw(leadId);
      }
    });
  }

  /** The key's lead among the entries, or else among the tombstones of leads retention deleted. */
  private findKey(formId: string, key: string): KeyLookup | null {
    // One statement, asked of every accept with a key: the tombstones are read only when no entry has the key.
    const [row] = this.sql.all<{ id: string; body_hash: string }>(
      `SELECT COALESCE(lead_id, id) AS id, body_hash FROM outbox WHERE form_id = ? AND idempotency_key = ?
       UNION ALL SELECT lead_id, body_hash FROM outbox_tombstones WHERE form_id = ? AND idempotency_key = ? LIMIT 1`,
      formId,
      key,
      formId,
      key,
    );
    return row ? { id: row.id, bodyHash: row.body_hash } : null;
  }

  async findByIdempotencyKey(formId: string, key: string): Promise<KeyLookup | null> {
    return this.findKey(formId, key);
  }

  async due(now: number, limit: number, destination?: string): Promise<OutboxEntry[]> {
    return this.sql.transaction(() => {
      const rows = this.dueRows(now, limit, destination);
      for (const row of rows) this.sql.run('UPDATE outbox SET claimed_by = ?, claimed_at = ? WHERE id = ?', this.processId, now, row.id);
      // A row another process had claimed was mid-attempt when that process died: the vendor may
      // have the lead, so the next attempt must look before it creates.
      return rows.map((row) => toEntry(row, row.claimed_by !== null));
    });
  }

  /** The entries `due` claims, read in the caller's transaction. */
  private dueRows(now: number, limit: number, destination?: string): Row[] {
    return this.sql.all<Row>(
      `SELECT * FROM outbox INDEXED BY outbox_pending_due WHERE state = 'pending' AND next_attempt_at <= ?
         AND (claimed_by IS NULL OR (claimed_by != ? AND claimed_at <= ?) OR claimed_at < ?)
         ${destination === undefined ? '' : 'AND destination = ?'}
       ORDER BY next_attempt_at, created_at LIMIT ?`,
      ...[now, this.processId, now - this.takeOverAfterMs, now - this.claimLeaseMs, ...(destination === undefined ? [] : [destination]), limit],
    );
  }

  /**
   * No claim is written: the batch's entries are read, attempted and recorded in one transaction,
   * which no other process sees until it commits. Relaxed, like `record`: the deliveries are in
   * the same transaction, so a power cut that loses the commit loses them too, and the entries
   * are due again, unclaimed, as before it; a process that dies instead keeps it (see `start`).
   */
  async attemptInTransaction(
    sql: SqlDriver,
    destination: string,
    now: number,
    limit: number,
    attempt: (entry: OutboxEntry) => InTransactionAttempt,
  ): Promise<({ entry: OutboxEntry } & InTransactionAttempt)[] | null> {
    if (sql !== this.sql) return null;
    return relaxedTransaction(this.sql, () =>
      this.dueRows(now, limit, destination).map((row) => {
        const entry = toEntry(row, row.claimed_by !== null);
        const made = attempt(entry);
        this.recordNow(row.id, made.record, now, made.counted ? 1 : 0);
        return { entry, ...made };
      }),
    );
  }

  /**
   * Counting an attempt as it starts need not wait for the disk either: in WAL mode the commit is
   * in the log file (the operating system's, if not yet the disk's) before this returns, so it
   * outlives the process however it dies, which is what the count is for: a lead whose attempt
   * kills the relay every time still runs out of attempts. Only a power cut before the next
   * durable commit can lose it, and then that lead gets one attempt more. No fsync per vendor call.
   */
  start(id: string, _now: number): Promise<void> {
    return this.relaxed(() => this.sql.run("UPDATE outbox SET attempts = attempts + 1 WHERE id = ? AND state = 'pending'", id));
  }

  /**
   * Recording an attempt need not wait for the disk: the entry's claim was made durable before
   * the attempt, so if a crash loses this record the entry comes back claimed by a dead process,
   * which the next attempt treats as uncertain (it looks the lead up before creating it). And
   * since the log is written in order, a later durable commit makes this one durable too.
   */
  record(id: string, record: AttemptRecord, now: number): Promise<void> {
    return this.relaxed(() => this.recordNow(id, record, now));
  }

  /**
   * Runs a relaxed write. With `relaxedBatch`, the relaxed writes asked for meanwhile (the starts,
   * then the records, of attempts under way at once) share one relaxed transaction, each resolving
   * once it is committed; should the shared one fail, each is retried alone, so only its own
   * failure fails it. Without, each commits on its own.
   */
  private relaxed(write: () => unknown): Promise<void> {
    const { relaxedBatch } = this.options;
    if (!relaxedBatch) {
      try {
        relaxedTransaction(this.sql, write);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((done, fail) => {
      if (this.relaxedQueue.push({ write, done, fail }) === 1) relaxedBatch(() => this.flushRelaxed());
    });
  }

  private flushRelaxed(): void {
    const queued = this.relaxedQueue;
    this.relaxedQueue = [];
    try {
      relaxedTransaction(this.sql, () => {
        for (const { write } of queued) write();
      });
    } catch {
      for (const { write, done, fail } of queued) {
        try {
          relaxedTransaction(this.sql, write);
          done();
        } catch (error) {
          fail(error);
        }
      }
      return;
    }
    for (const { done } of queued) done();
  }

  /** `counted`: attempts to count now (an attempt `start` did not count, made in the same transaction). */
  private recordNow(id: string, record: AttemptRecord, now: number, counted = 0): void {
    const columns = recordColumns(record, now);
    this.sql.run(
      // Uncertainty only grows: once an attempt may have reached the vendor, every later attempt
      // looks first, a replay of the dead letter included.
      // The attempt was counted when it started (`start`), unless counted here.
      `UPDATE outbox SET state = ?, next_attempt_at = ?, last_error = ?, attempts = attempts + ?,
         uncertain = MAX(uncertain, ?), remote_id = COALESCE(?, remote_id), updated_at = ?, claimed_by = NULL, claimed_at = NULL
       WHERE id = ?`,
      columns.state,
      columns.nextAttemptAt,
      columns.lastError,
      counted,
      columns.uncertain,
      columns.remoteId,
      now,
      id,
    );
  }

  async list(state: DeliveryState, limit: number, cursor?: string): Promise<OutboxPage> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (cursor !== undefined && after === null) throw new Error('outbox: a malformed list cursor');
    // One more than the page, to tell whether another page follows.
    const rows = after
      ? this.sql.all<Row>(
          'SELECT * FROM outbox WHERE state = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?',
          state,
          after.createdAt,
          after.id,
          limit + 1,
        )
      : this.sql.all<Row>('SELECT * FROM outbox WHERE state = ? ORDER BY created_at DESC, id DESC LIMIT ?', state, limit + 1);
    const entries = rows.slice(0, limit).map((row) => toEntry(row, false));
    const last = entries.at(-1);
    return { entries, next: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async get(id: string): Promise<OutboxEntry | null> {
    const [row] = this.sql.all<Row>('SELECT * FROM outbox WHERE id = ?', id);
    return row ? toEntry(row, false) : null;
  }

  async replay(id: string, now: number): Promise<boolean> {
    const changed = this.sql.run(
      `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?, replayed_at = ?, claimed_by = NULL
       WHERE id = ? AND state = 'dead' AND lead IS NOT NULL`,
      now,
      now,
      now,
      id,
    );
    return changed === 1;
  }

  /** From the counts kept with every write (`DESTINATION_COUNTS`), and the oldest pending entry from the end of its index. */
  async stats(): Promise<OutboxStats> {
    const stats: OutboxStats = { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null };
    for (const row of this.sql.all<{ state: DeliveryState; n: number }>('SELECT state, SUM(n) AS n FROM outbox_destination_counts GROUP BY state')) {
      if (row.state in stats) stats[row.state] = row.n;
    }
    const [oldest] = this.sql.all<{ at: number | null }>("SELECT MIN(created_at) AS at FROM outbox WHERE state = 'pending'");
    stats.oldestPendingAt = oldest?.at ?? null;
    return stats;
  }

  /**
   * From the counts kept with every write (a count retention brought to 0 names no destination); each destination's oldest pending entry from the end of its
   * own index (outbox_pending_destination), asked only of those with some pending.
   */
  async destinationStats(): Promise<DestinationStats> {
    const byDestination: DestinationStats = {};
    for (const row of this.sql.all<{ destination: string; state: DeliveryState; n: number }>(
      'SELECT destination, state, n FROM outbox_destination_counts WHERE n > 0',
    )) {
      const stats = (byDestination[row.destination] ??= { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null });
      if (row.state in stats) stats[row.state] = row.n;
    }
    for (const [destination, stats] of Object.entries(byDestination)) {
      if (stats.pending === 0) continue;
      const [oldest] = this.sql.all<{ at: number }>("SELECT MIN(created_at) AS at FROM outbox WHERE state = 'pending' AND destination = ?", destination);
      stats.oldestPendingAt = oldest?.at ?? null;
    }
    return byDestination;
  }

  async erasePayloads(deliveredBefore: number): Promise<number> {
    return this.sql.run("UPDATE outbox SET lead = NULL WHERE state = 'delivered' AND lead IS NOT NULL AND updated_at < ?", deliveredBefore);
  }

  /**
   * One transaction: the tombstones first, then the entries (their counts follow through the
   * delete trigger), then the tombstones past their horizon. Both read outbox_delivered_at, named
   * since a file never analysed would have the planner scan every delivered entry instead. A lead's entries share its key and
   * body hash, so the first of them makes its tombstone.
   */
  async deleteDelivered(deliveredBefore: number, tombstonesBefore: number, limit = Number.MAX_SAFE_INTEGER): Promise<DeletedDelivered> {
    // The same `limit` entries, oldest delivered first, for the tombstones and for the delete: the
    // transaction changes no entry between the two.
    const batch = `SELECT id FROM outbox INDEXED BY outbox_delivered_at WHERE ${DELETABLE} ORDER BY updated_at LIMIT ?`;
    return this.sql.transaction(() => {
      this.sql.run(
        `INSERT OR IGNORE INTO outbox_tombstones (form_id, idempotency_key, body_hash, lead_id, kept_from)
         SELECT form_id, idempotency_key, body_hash, COALESCE(lead_id, id), ? FROM outbox WHERE idempotency_key IS NOT NULL AND id IN (${batch})`,
        deliveredBefore,
        deliveredBefore,
        deliveredBefore,
        limit,
      );
      const entries = this.sql.run(`DELETE FROM outbox WHERE id IN (${batch})`, deliveredBefore, deliveredBefore, limit);
      const tombstones = this.sql.run('DELETE FROM outbox_tombstones WHERE kept_from < ?', tombstonesBefore);
      return { entries, tombstones };
    });
  }

  /**
   * The earliest time a pending entry is due (by the rules of `due`), or null when none is pending.
   * A claimed entry is never due before its own `next_attempt_at`, so only the claimed entries due
   * before the first unclaimed one can come sooner: two reads of the due index, each as long as
   * the claims are many (the attempts under way), not the backlog.
   */
  nextDueAt(): number | null {
    const [unclaimed] = this.sql.all<{ at: number }>(
      "SELECT next_attempt_at AS at FROM outbox INDEXED BY outbox_pending_due WHERE state = 'pending' AND claimed_by IS NULL ORDER BY next_attempt_at LIMIT 1",
    );
    const first = unclaimed?.at ?? null;
    const [claimed] = this.sql.all<{ next: number | null }>(
      `SELECT MIN(CASE WHEN claimed_by = ? THEN MAX(next_attempt_at, claimed_at + ?)
                       ELSE MAX(next_attempt_at, MIN(claimed_at + ?, claimed_at + ?)) END) AS next
       FROM outbox INDEXED BY outbox_pending_due WHERE state = 'pending' AND claimed_by IS NOT NULL AND next_attempt_at < ?`,
      this.processId,
      this.claimLeaseMs + 1,
      this.takeOverAfterMs,
      this.claimLeaseMs + 1,
      first ?? Number.MAX_SAFE_INTEGER,
    );
    const soonest = claimed?.next ?? null;
    return first === null ? soonest : soonest === null ? first : Math.min(first, soonest);
  }

  /** The destinations that have leads waiting, configured or not. */
  pendingDestinations(): string[] {
    return this.sql.all<{ destination: string }>("SELECT DISTINCT destination FROM outbox WHERE state = 'pending'").map((row) => row.destination);
  }

  /** When the oldest delivered payload still kept was delivered, or null when none is kept. */
  oldestDeliveredPayloadAt(): number | null {
    const [row] = this.sql.all<{ at: number | null }>("SELECT MIN(updated_at) AS at FROM outbox WHERE state = 'delivered' AND lead IS NOT NULL");
    return row?.at ?? null;
  }

  async callStarts(destination: string): Promise<number[]> {
    const [row] = this.sql.all<{ starts: string }>('SELECT starts FROM pacing WHERE destination = ?', destination);
    return row ? (JSON.parse(row.starts) as number[]) : [];
  }

  /** Relaxed, like `record`: a crash may lose the last starts kept, never an acknowledged lead. */
  async keepCallStarts(destination: string, starts: readonly number[]): Promise<void> {
    relaxedTransaction(this.sql, () =>
      this.sql.run(
        'INSERT INTO pacing (destination, starts) VALUES (?, ?) ON CONFLICT (destination) DO UPDATE SET starts = excluded.starts',
        destination,
        JSON.stringify(starts),
      ),
    );
  }
}

/** An entry an accept stored, as the counts kept beside the outbox see it (`onEntriesStored`). */
export interface StoredEntry {
  readonly destination: string;
  readonly state: DeliveryState;
  /** Epoch milliseconds, the lead's `receivedAt`. */
  readonly createdAt: number;
  readonly lead: Lead;
}

/** An attempt made at accept, told to its delivery once the accept's transaction committed. */
interface AttemptedAtAccept {
  delivery: AcceptTimeDelivery;
  entry: OutboxEntry;
  attempt: InTransactionAttempt;
  now: number;
}

/** A new entry's columns before any attempt. */
const pendingColumns = (now: number) => ({ state: 'pending' as const, nextAttemptAt: now, lastError: null, uncertain: 0, remoteId: null });

/** An attempt's record as the outbox's columns hold it, written at accept or after an attempt. */
function recordColumns(record: AttemptRecord, now: number) {
  return {
    state: record.state,
    nextAttemptAt: record.state === 'pending' ? record.nextAttemptAt : now,
    lastError: record.state === 'delivered' ? null : record.error,
    uncertain: record.state !== 'delivered' && record.uncertain ? 1 : 0,
    remoteId: record.state === 'delivered' ? record.remoteId : null,
  };
}

function toEntry(row: Row, crashedMidAttempt: boolean): OutboxEntry {
  return {
    id: row.id,
    leadId: row.lead_id ?? row.id,
    formId: row.form_id,
    destination: row.destination,
    state: row.state,
    attempts: row.attempts,
    createdAt: row.created_at,
    replayedAt: row.replayed_at,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    uncertain: row.uncertain === 1 || crashedMidAttempt,
    remoteId: row.remote_id,
    lead: row.lead === null ? null : (JSON.parse(row.lead) as Lead),
  };
}
