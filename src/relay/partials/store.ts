/**
 * Partial leads: what a visitor of a form with `partials: true` filled before leaving, kept apart
 * from the outbox, one row per form and Idempotency-Key (the key the final submission will carry).
 * A later partial replaces the earlier one; the final submission marks it completed (its fields
 * are dropped then, the row stays as a marker so a late partial cannot bring it back); a partial
 * left past its form's `partialAfterMinutes` is promoted (see `promote.ts`).
 *
 * Written once over a `SqlDriver`: better-sqlite3 on Node (the outbox's own file), a Durable
 * Object's SQLite on Workers.
 */
import type { Lead } from '../../schema/lead.ts';
import type { SqlDriver } from '../../storage/sql-driver.ts';
import { decodeCursor, encodeCursor } from '../outbox.ts';

/** `pending`: waiting for its final submission; `promoted`: left, and made a lead marked `partial`. */
export type PartialState = 'pending' | 'promoted';

export interface PartialRecord {
  formId: string;
  /** The Idempotency-Key the final submission carries. */
  key: string;
  /** The id its lead has if it is promoted; fixed at the first save, so a promotion repeated after a crash stores the same lead. */
  leadId: string;
  state: PartialState;
  /** The partial as a lead (`partial: true`): the fields filled so far, attribution, page. */
  lead: Lead;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  /** When it is promoted unless its final submission arrives first. */
  dueAt: number;
  promotedAt: number | null;
}

export interface PartialSave {
  formId: string;
  key: string;
  /** The partial as a lead; its `id` is kept only by the first save of the key. */
  lead: Lead;
  now: number;
  dueAt: number;
}

/** `saved`: stored or replaced; `settled`: the key is completed or promoted already, nothing changed. */
export type PartialSaveResult = { kind: 'saved' | 'settled'; leadId: string };

export interface PartialPage {
  partials: PartialRecord[];
  /** The cursor of the next page, or null when none follows. */
  next: string | null;
}

/** What the route, the admin API and promotion use; a runtime may keep it in another object (a Durable Object on Workers). */
export interface PartialStore {
  save(input: PartialSave): Promise<PartialSaveResult>;
  /** The final submission arrived: the partial's fields are dropped and it is never promoted. */
  complete(formId: string, key: string, now: number): Promise<void>;
  /** Pending and promoted partials, newest first, of one form or (`formId` null) of all. */
  list(formId: string | null, limit: number, cursor?: string): Promise<PartialPage>;
  /** Pending partials due by `now`, oldest first. */
  due(now: number, limit: number): Promise<PartialRecord[]>;
  /** Marks a pending partial `promoted` (or `completed`, when its final submission turned out to exist). */
  settle(formId: string, key: string, state: 'promoted' | 'completed', now: number): Promise<void>;
  /** Retention: deletes settled partials (promoted or completed) settled before `before`. */
  erase(before: number): Promise<number>;
  /** The earliest due time of a pending partial, or null. */
  nextDueAt(): Promise<number | null>;
}

export const PARTIALS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS partials (
    form_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    lead_id TEXT NOT NULL,
    -- pending, promoted, or completed (the final submission arrived; lead is NULL then)
    state TEXT NOT NULL DEFAULT 'pending',
    lead TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    promoted_at INTEGER,
    PRIMARY KEY (form_id, idempotency_key)
  ) WITHOUT ROWID`,
  "CREATE INDEX IF NOT EXISTS partials_due ON partials (due_at) WHERE state = 'pending'",
  "CREATE INDEX IF NOT EXISTS partials_list ON partials (created_at DESC, idempotency_key DESC) WHERE state != 'completed'",
  "CREATE INDEX IF NOT EXISTS partials_settled ON partials (updated_at) WHERE state != 'pending'",
];

interface Row {
  form_id: string;
  idempotency_key: string;
  lead_id: string;
  state: PartialState;
  lead: string;
  created_at: number;
  updated_at: number;
  due_at: number;
  promoted_at: number | null;
}

export class SqlPartials implements PartialStore {
  constructor(readonly sql: SqlDriver) {
    for (const statement of PARTIALS_SCHEMA) sql.exec(statement);
  }

  async save(input: PartialSave): Promise<PartialSaveResult> {
    return this.sql.transaction(() => {
      const [row] = this.sql.all<{ state: string; lead_id: string }>(
        'SELECT state, lead_id FROM partials WHERE form_id = ? AND idempotency_key = ?',
        input.formId,
        input.key,
      );
      if (row && row.state !== 'pending') return { kind: 'settled', leadId: row.lead_id };
      const leadId = row?.lead_id ?? input.lead.id;
      const lead = JSON.stringify({ ...input.lead, id: leadId });
      if (row) {
        this.sql.run(
          'UPDATE partials SET lead = ?, updated_at = ?, due_at = ? WHERE form_id = ? AND idempotency_key = ?',
          lead,
          input.now,
          input.dueAt,
          input.formId,
          input.key,
        );
      } else {
        this.sql.run(
          'INSERT INTO partials (form_id, idempotency_key, lead_id, lead, created_at, updated_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          input.formId,
          input.key,
          leadId,
          lead,
          input.now,
          input.now,
          input.dueAt,
        );
      }
      return { kind: 'saved', leadId };
    });
  }

  async complete(formId: string, key: string, now: number): Promise<void> {
    this.completeNow(formId, key, now);
  }

  /**
   * `complete` within the caller's transaction: the Node outbox calls it as it stores the final
   * submission, so the lead and the partial's end commit together. A key with no partial yet gets
   * a completed marker, so a partial arriving after its final submission is not kept.
   */
  completeNow(formId: string, key: string, now: number): void {
    this.sql.run(
      `INSERT INTO partials (form_id, idempotency_key, lead_id, state, lead, created_at, updated_at, due_at) VALUES (?, ?, '', 'completed', NULL, ?, ?, ?)
       ON CONFLICT (form_id, idempotency_key) DO UPDATE SET state = 'completed', lead = NULL, updated_at = excluded.updated_at WHERE state = 'pending'`,
      formId,
      key,
      now,
      now,
      now,
    );
  }

  async list(formId: string | null, limit: number, cursor?: string): Promise<PartialPage> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (cursor !== undefined && after === null) throw new Error('partials: a malformed list cursor');
    const where = ["state != 'completed'"];
    const params: (string | number)[] = [];
    if (formId !== null) {
      where.push('form_id = ?');
      params.push(formId);
    }
    if (after) {
      where.push('(created_at, idempotency_key) < (?, ?)');
      params.push(after.createdAt, after.id);
    }
    const rows = this.sql.all<Row>(
      `SELECT * FROM partials WHERE ${where.join(' AND ')} ORDER BY created_at DESC, idempotency_key DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    const partials = rows.slice(0, limit).map(toRecord);
    const last = partials.at(-1);
    return { partials, next: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.key }) : null };
  }

  async due(now: number, limit: number): Promise<PartialRecord[]> {
    return this.sql.all<Row>("SELECT * FROM partials WHERE state = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?", now, limit).map(toRecord);
  }

  async settle(formId: string, key: string, state: 'promoted' | 'completed', now: number): Promise<void> {
    this.sql.run(
      `UPDATE partials SET state = ?, updated_at = ?, promoted_at = ?, lead = CASE WHEN ? = 'completed' THEN NULL ELSE lead END
       WHERE form_id = ? AND idempotency_key = ? AND state = 'pending'`,
      state,
      now,
      state === 'promoted' ? now : null,
      state,
      formId,
      key,
    );
  }

  async erase(before: number): Promise<number> {
    return this.sql.run("DELETE FROM partials WHERE state != 'pending' AND updated_at < ?", before);
  }

  async nextDueAt(): Promise<number | null> {
    const [row] = this.sql.all<{ at: number | null }>("SELECT MIN(due_at) AS at FROM partials WHERE state = 'pending'");
    return row?.at ?? null;
  }
}

function toRecord(row: Row): PartialRecord {
  return {
    formId: row.form_id,
    key: row.idempotency_key,
    leadId: row.lead_id,
    state: row.state,
    lead: JSON.parse(row.lead) as Lead,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    dueAt: row.due_at,
    promotedAt: row.promoted_at,
  };
}
