/**
 * The Node outbox in one SQLite file on local disk, which destinations that keep state of their
 * own (the sandbox inbox) share through `sql`. WAL with synchronous=FULL:
 * a lead the relay acknowledged survives a crash or a power cut. Concurrent accepts share one
 * commit (group commit, see `SqlOutbox`), so durability costs one fsync per batch, not per lead.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OutboxOptions } from '../../relay/outbox.ts';
import { SqlOutbox } from '../../relay/sql-outbox.ts';
import type { SqlDriver, SqlValue } from '../../storage/sql-driver.ts';

export interface SqliteStoreOptions extends OutboxOptions {
  /** The database file; its folder is created when missing. */
  file: string;
  /**
   * Batch concurrent accepts into one transaction.
   * @default true
   */
  groupCommit?: boolean;
}

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

export class SqliteStore extends SqlOutbox {
  readonly db: Database.Database;
  /** The second connection, for writes whose loss in a crash is safe (see `SqlOutbox.record`). */
  private readonly relaxedDb: Database.Database;

  constructor(options: SqliteStoreOptions) {
    const db = openDurableDatabase(options.file);
    const relaxed = new Database(options.file);
    relaxed.pragma('synchronous = NORMAL');
    relaxed.pragma('busy_timeout = 5000');
    const sql = betterSqliteDriver(db, relaxed);
    const { file: _file, groupCommit, ...outboxOptions } = options;
    super(sql, { ...outboxOptions, ...(groupCommit === false ? {} : { batch: (flush: () => void) => setImmediate(flush) }) });
    this.db = db;
    this.relaxedDb = relaxed;
  }

  close(): void {
    this.relaxedDb.close();
    this.db.close();
  }
}
