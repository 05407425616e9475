/**
 * The Node outbox in one SQLite file on local disk, which destinations that keep state of their
 * own (the sandbox inbox) share through `sql`. WAL with synchronous=FULL:
 * a lead the relay acknowledged survives a crash or a power cut. Concurrent accepts share one
 * commit (group commit, see `SqlOutbox`), so durability costs one fsync per batch, not per lead.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RelayError } from '../../relay/errors.ts';
import { type Log, silentLog } from '../../relay/log.ts';
import type { AcceptInput, AcceptResult, AttemptRecord, DeletedDelivered, OutboxEntry, OutboxOptions } from '../../relay/outbox.ts';
import { SqlOutbox } from '../../relay/sql-outbox.ts';
import type { SqlDriver, SqlValue } from '../../storage/sql-driver.ts';
import { checkBeforeOpen, checkOpened, damaged, FileIdentity, isDamage, storageFailure, StoreFileProblem, writeMarker } from './store-file.ts';

export interface SqliteStoreOptions extends OutboxOptions {
  /** The database file; its folder is created when missing. */
  file: string;
  /**
   * Batch concurrent accepts into one transaction, and the writes of attempts made together into
   * one relaxed one.
   * @default true
   */
  groupCommit?: boolean;
  /**
   * How often the store checks, unasked, that its file is still the one at its path and, while a
   * write failed, whether writing works again. Each submission checks the file too.
   * @default 1000
   */
  watchMs?: number;
  /** Where `storage.unavailable` and `storage.recovered` are logged. @default silent */
  log?: Log;
}

/** The storage's state as /healthz reports it. */
export type StoreHealth = { status: 'ok' } | { status: 'degraded' | 'unavailable'; reason: string };

/** How long a visitor's form waits before sending again while the storage fails. */
const RETRY_AFTER_SECONDS = 30;

/** Opens a database with the settings every leadform SQLite file uses (and the benchmark measures). */
export function openDurableDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * better-sqlite3 as a `SqlDriver`, with each statement prepared once. Relaxed transactions go
 * through a second connection to the same file opened with synchronous=NORMAL (when given), so
 * neither connection switches its durability back and forth.
 */
export function betterSqliteDriver(db: Database.Database, relaxedDb?: Database.Database): SqlDriver {
  const prepared = new Map<Database.Database, Map<string, Database.Statement>>();
  const statement = (connection: Database.Database, sql: string) => {
    let statements = prepared.get(connection);
    if (!statements) prepared.set(connection, (statements = new Map()));
    let found = statements.get(sql);
    if (!found) statements.set(sql, (found = connection.prepare(sql)));
    return found;
  };
  // The connection the statements of the running transaction go to.
  let active = db;
  const transaction = <T>(connection: Database.Database, fn: () => T): T => {
    const outer = active;
    active = connection;
    // IMMEDIATE: take the write lock at the start, so two writers never deadlock upgrading.
    statement(connection, 'BEGIN IMMEDIATE').run();
    try {
      const result = fn();
      statement(connection, 'COMMIT').run();
      return result;
    } catch (error) {
      if (connection.inTransaction) statement(connection, 'ROLLBACK').run();
      throw error;
    } finally {
      active = outer;
    }
  };
  return {
    exec: (sql) => db.exec(sql),
    all: <T>(sql: string, ...params: SqlValue[]) => statement(active, sql).all(...params) as T[],
    run: (sql, ...params) => statement(active, sql).run(...params).changes,
    transaction: (fn) => transaction(db, fn),
    ...(relaxedDb ? { relaxedTransaction: <T>(fn: () => T) => transaction(relaxedDb, fn) } : {}),
  };
}

/**
 * Opens both connections of a store after the checks of `store-file.ts`: a damaged database, or a
 * missing one where one existed, is a `StoreFileProblem` and nothing is left open.
 */
function openChecked(file: string): { db: Database.Database; relaxed: Database.Database } {
  checkBeforeOpen(file);
  const opened: Database.Database[] = [];
  try {
    const db = openDurableDatabase(file);
    opened.push(db);
    checkOpened(db, file);
    const relaxed = new Database(file);
    opened.push(relaxed);
    relaxed.pragma('synchronous = NORMAL');
    relaxed.pragma('busy_timeout = 5000');
    return { db, relaxed };
  } catch (error) {
    for (const db of opened) db.close();
    throw isDamage(error) ? damaged(file, (error as Error).message) : error;
  }
}

/**
 * The Node outbox. Opening it refuses (with a `StoreFileProblem`) a damaged database, or a missing
 * or empty one where the marker or a write-ahead log shows one existed. While it runs, a database
 * deleted or replaced under it makes it `unavailable` until a restart, and a failed write (a full
 * disk, an I/O error) makes it `degraded` until a write works again: meanwhile submissions are
 * refused with 503 `storage_unavailable` instead of acknowledged.
 */
export class SqliteStore extends SqlOutbox {
  readonly db: Database.Database;
  readonly file: string;
  /** The second connection, for writes whose loss in a crash is safe (see `SqlOutbox.record`). */
  private readonly relaxedDb: Database.Database;
  private readonly identity: FileIdentity;
  private readonly log: Log;
  private state: StoreHealth = { status: 'ok' };
  private lastProbeAt = 0;
  /** The accept commit (`acceptCommits`) after which `accept` last checked the file. */
  private checkedAfterCommit = -1;
  private readonly watch: ReturnType<typeof setInterval>;

  constructor(options: SqliteStoreOptions) {
    const { db, relaxed } = openChecked(options.file);
    const sql = betterSqliteDriver(db, relaxed);
    const { file, groupCommit, watchMs, log, ...outboxOptions } = options;
    super(sql, {
      ...outboxOptions,
      ...(groupCommit === false ? {} : { batch: (flush: () => void) => setImmediate(flush), relaxedBatch: (flush: () => void) => queueMicrotask(flush) }),
    });
    sql.exec('CREATE TABLE IF NOT EXISTS storage_probe (filler BLOB)');
    writeMarker(file);
    this.db = db;
    this.relaxedDb = relaxed;
    this.file = file;
    this.identity = new FileIdentity(file);
    this.log = log ?? silentLog;
    this.watch = setInterval(() => this.health(), watchMs ?? 1000);
    this.watch.unref();
  }

  /**
   * The storage's state, checked now: whether the open file is still the one at its path, and,
   * while degraded, whether a write works again (tried at most once a second).
   */
  health(): StoreHealth {
    if (this.state.status === 'unavailable') return this.state;
    const moved = this.identity.moved();
    if (moved) {
      this.enter({ status: 'unavailable', reason: `${moved}; restore ${this.file} from a backup (npm run backup) and restart the relay` });
    } else if (this.state.status === 'degraded' && Date.now() - this.lastProbeAt >= 1000) {
      this.lastProbeAt = Date.now();
      try {
        // A write that needs new pages, as a lead does, and leaves nothing behind.
        this.sql.transaction(() => {
          this.sql.run('INSERT INTO storage_probe (filler) VALUES (zeroblob(16384))');
          this.sql.run('DELETE FROM storage_probe');
        });
        this.enter({ status: 'ok' });
      } catch {
        // Still failing: stays degraded.
      }
    }
    return this.state;
  }

  override async accept(input: AcceptInput): Promise<AcceptResult> {
    if (this.state.status === 'unavailable') throw this.unavailable();
    const result = await this.guard(() => super.accept(input));
    // Checked once it is committed, just before the 202: a lead committed to a file the next
    // start will not read gets no 202, and is withdrawn from it, so that this process does not
    // deliver the lead the visitor is told to send again. Once per group commit: the first of its
    // accepts to resume checks, after the commit, for all of them (three stat calls a lead before).
    let health: StoreHealth = this.state;
    if (this.checkedAfterCommit !== this.acceptCommits) {
      this.checkedAfterCommit = this.acceptCommits;
      health = this.health();
    }
    if (health.status === 'unavailable') {
      if (result.kind === 'stored') this.withdraw(input, result.id);
      throw this.unavailable();
    }
    if (result.kind === 'stored' && this.state.status === 'degraded') this.enter({ status: 'ok' });
    return result;
  }

  override due(now: number, limit: number, destination?: string): Promise<OutboxEntry[]> {
    return this.guard(() => super.due(now, limit, destination), false);
  }

  override attemptInTransaction(...args: Parameters<SqlOutbox['attemptInTransaction']>): ReturnType<SqlOutbox['attemptInTransaction']> {
    return this.guard(() => super.attemptInTransaction(...args), false);
  }

  override start(id: string, now: number): Promise<void> {
    return this.guard(() => super.start(id, now), false);
  }

  override keepCallStarts(destination: string, starts: readonly number[]): Promise<void> {
    return this.guard(() => super.keepCallStarts(destination, starts), false);
  }

  override record(id: string, record: AttemptRecord, now: number): Promise<void> {
    return this.guard(() => super.record(id, record, now), false);
  }

  override replay(id: string, now: number): Promise<boolean> {
    return this.guard(() => super.replay(id, now));
  }

  override erasePayloads(deliveredBefore: number): Promise<number> {
    return this.guard(() => super.erasePayloads(deliveredBefore), false);
  }

  override deleteDelivered(deliveredBefore: number, tombstonesBefore: number, limit?: number): Promise<DeletedDelivered> {
    return this.guard(() => super.deleteDelivered(deliveredBefore, tombstonesBefore, limit), false);
  }

  close(): void {
    clearInterval(this.watch);
    this.relaxedDb.close();
    this.db.close();
  }

  /**
   * Runs a write; a storage failure makes the store degraded. A request's write (`answered`) is
   * then refused with 503 `storage_unavailable`; the delivery loop's gets SQLite's own error, which
   * its log names.
   */
  private async guard<T>(write: () => Promise<T>, answered = true): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const reason = storageFailure(error, this.file);
      if (reason === null) throw error;
      if (this.state.status === 'ok') this.enter({ status: 'degraded', reason });
      throw answered ? this.unavailable(error) : error;
    }
  }

  private unavailable(cause?: unknown): RelayError {
    return new RelayError('storage_unavailable', 503, 'The relay cannot store submissions right now; nothing was stored. Send it again later.', {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      cause,
    });
  }

  private enter(next: StoreHealth): void {
    const previous = this.state;
    this.state = next;
    if (next.status === 'ok') {
      if (previous.status !== 'ok') this.log('storage.recovered', { file: this.file, was: previous.reason });
    } else if (previous.status !== next.status) {
      this.log('storage.unavailable', { file: this.file, status: next.status, reason: next.reason });
    }
  }
}

export { StoreFileProblem };
