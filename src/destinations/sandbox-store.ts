/**
 * Where the sandbox keeps what it receives: a table of its own in whatever SQLite the runtime
 * hands its destinations (the relay's file on Node, the destination's Durable Object on
 * Workers). The outbox neither creates nor reads it.
 */
import type { Lead } from '../schema/lead.ts';
import { relaxedTransaction, type SqlDriver } from '../storage/sql-driver.ts';
import type { SandboxInbox } from './sandbox.ts';

const SANDBOX_SCHEMA = `CREATE TABLE IF NOT EXISTS sandbox_inbox (
  lead_id TEXT PRIMARY KEY,
  lead TEXT NOT NULL,
  delivered_at INTEGER NOT NULL
)`;

const ADD = 'INSERT OR IGNORE INTO sandbox_inbox (lead_id, lead, delivered_at) VALUES (?, ?, ?)';

/** The inbox in SQL, which can also add a lead inside a transaction its caller holds on `sql`. */
export interface SqlSandboxInbox extends SandboxInbox {
  readonly sql: SqlDriver;
  /** `add` without a transaction of its own: for a caller that holds one on `sql` (the outbox's delivery batch). */
  addNow(lead: Lead, now: number, leadJson?: string): 'added' | 'exists';
  /** Takes a lead out again, in the caller's transaction: its accept was withdrawn (see `InTransactionDelivery.withdraw`). */
  removeNow(leadId: string): void;
}

export function sqlSandboxInbox(sql: SqlDriver): SqlSandboxInbox {
  sql.exec(SANDBOX_SCHEMA);
  const addNow = (lead: Lead, now: number, leadJson = JSON.stringify(lead)) => (sql.run(ADD, lead.id, leadJson, now) === 1 ? 'added' : 'exists');
  return {
    sql,
    addNow,
    removeNow: (leadId: string) => {
      sql.run('DELETE FROM sandbox_inbox WHERE lead_id = ?', leadId);
    },
    // Relaxed like the outbox's attempt records: a lost add is found missing by the uncertain
    // retry (the claim was durable) and made again.
    add: async (lead: Lead, now: number) => relaxedTransaction(sql, () => addNow(lead, now)),
    list: async (limit: number) =>
      sql
        .all<{ lead: string; delivered_at: number }>('SELECT lead, delivered_at FROM sandbox_inbox ORDER BY delivered_at DESC, rowid DESC LIMIT ?', limit)
        .map((row) => ({ lead: JSON.parse(row.lead) as Lead, deliveredAt: row.delivered_at })),
  };
}
