/**
 * The SQL binding a runtime brings: better-sqlite3 on Node, a Durable Object's own SQLite on
 * Workers. The outbox (`src/relay/sql-outbox.ts`) and destinations that keep state of their own
 * (the sandbox inbox) each create their tables through it, so neither knows the other's schema
 * and neither knows the runtime.
 */
export type SqlValue = string | number | null;

/** The few synchronous calls a store needs from a SQLite binding. */
export interface SqlDriver {
  /** Runs statements without parameters (the schema). */
  exec(sql: string): void;
  all<T>(sql: string, ...params: SqlValue[]): T[];
  /** Returns the number of rows changed. */
  run(sql: string, ...params: SqlValue[]): number;
  /** Runs `fn` in one transaction, committed (durably) before it returns. */
  transaction<T>(fn: () => T): T;
  /**
   * Runs `fn` in one transaction whose commit may reach the disk with the next durable one
   * instead of at once (SQLite WAL with synchronous=NORMAL). Only for writes whose loss in a
   * crash is safe: see `SqlOutbox.record`. A driver without such a mode runs a plain transaction.
   */
  relaxedTransaction?<T>(fn: () => T): T;
}

/** A relaxed transaction where the driver has one, else a durable one. */
export function relaxedTransaction<T>(sql: SqlDriver, fn: () => T): T {
  return sql.relaxedTransaction ? sql.relaxedTransaction(fn) : sql.transaction(fn);
}

/**
 * A driver that stores nothing, for building destinations only to check their options where no
 * database exists yet (the Worker build): a destination that keeps state finds it, and writes nowhere.
 */
export const CHECK_ONLY_SQL: SqlDriver = { exec() {}, all: () => [], run: () => 0, transaction: (fn) => fn() };
