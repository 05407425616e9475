/**
 * A Durable Object's SQLite as a `SqlDriver`. Its writes are durable before the object's answer
 * leaves, so there is no relaxed mode: every transaction is a plain one.
 */
import type { DurableObjectState } from 'cloudflare:workers';
import type { SqlDriver } from '../../storage/sql-driver.ts';

export function durableSqlDriver(storage: DurableObjectState['storage']): SqlDriver {
  const { sql } = storage;
  return {
    exec: (query) => void sql.exec(query),
    all: (query, ...params) => sql.exec(query, ...params).toArray() as never,
    // rowsWritten counts index writes too; changes() counts rows, as better-sqlite3 does.
    run: (query, ...params) => {
      sql.exec(query, ...params);
      return sql.exec<{ n: number }>('SELECT changes() AS n').toArray()[0]!.n;
    },
    transaction: (fn) => storage.transactionSync(fn),
  };
}
