/**
 * The Node outbox and sandbox inbox in one SQLite file on local disk. WAL with synchronous=FULL:
 * a lead the relay acknowledged survives a crash or a power cut. Concurrent accepts share one
 * commit (group commit, see `SqlOutbox`), so durability costs one fsync per batch, not per lead.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type SqlDriver, SqlOutbox, type SqlValue } from '../../relay/sql-outbox.ts';

export interface SqliteStoreOptions {
  /** The database file; its folder is created when missing. */
  file: string;
  /**
   * How long a claimed entry stays with one process before another may take it over.
   * @default 60000
   */
  claimLeaseMs?: number;
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

/** better-sqlite3 as a `SqlDriver`, with each statement prepared once. */
export function betterSqliteDriver(db: Database.Database): SqlDriver {
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  return {
    exec: (sql) => db.exec(sql),
    all: <T>(sql: string, ...params: SqlValue[]) => statement(sql).all(...params) as T[],
    run: (sql, ...params) => statement(sql).run(...params).changes,
    // IMMEDIATE: take the write lock at the start, so two processes never deadlock upgrading.
    transaction: (fn) => db.transaction(fn).immediate(),
    relaxedTransaction: (fn) => {
      db.pragma('synchronous = NORMAL');
      try {
        return db.transaction(fn).immediate();
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
  };
}

export class SqliteStore extends SqlOutbox {
  readonly db: Database.Database;

  constructor(options: SqliteStoreOptions) {
    const db = openDurableDatabase(options.file);
    super(betterSqliteDriver(db), {
      ...(options.claimLeaseMs === undefined ? {} : { claimLeaseMs: options.claimLeaseMs }),
      ...(options.groupCommit === false ? {} : { batch: (flush: () => void) => setImmediate(flush) }),
    });
    this.db = db;
  }

  close(): void {
    this.db.close();
  }
}
