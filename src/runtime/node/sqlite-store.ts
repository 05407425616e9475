/**
 * The Node outbox and sandbox inbox in one SQLite file on local disk. WAL with synchronous=FULL:
 * a lead the relay acknowledged survives a crash or a power cut.
 *
 * better-sqlite3 is synchronous, so a method returns only after its transaction is committed;
 * the async signatures are the Outbox interface's, shared with stores that do I/O.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SandboxInbox } from '../../destinations/sandbox.ts';
import type { Lead } from '../../destinations/types.ts';
import type { AcceptInput, AcceptResult, AttemptRecord, DeliveryState, Outbox, OutboxEntry, OutboxStats } from '../../relay/outbox.ts';

interface Row {
  id: string;
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
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
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
  claimed_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS outbox_idempotency ON outbox (form_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS sandbox_inbox (
  lead_id TEXT PRIMARY KEY,
  lead TEXT NOT NULL,
  delivered_at INTEGER NOT NULL
);
`;

export interface SqliteStoreOptions {
  /** The database file; its folder is created when missing. */
  file: string;
  /**
   * How long a claimed entry stays with one process before another may take it over.
   * @default 60000
   */
  claimLeaseMs?: number;
}

export class SqliteStore implements Outbox {
  readonly db: Database.Database;
  /** Tells this process's claims from those a crashed one left behind. */
  private readonly processId = crypto.randomUUID();
  private readonly claimLeaseMs: number;
  private readonly statements;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.claimLeaseMs = options.claimLeaseMs ?? 60_000;
    const db = this.db;
    this.statements = {
      findByKey: db.prepare<[string, string], { id: string; body_hash: string }>(
        'SELECT id, body_hash FROM outbox WHERE form_id = ? AND idempotency_key = ?',
      ),
      insert: db.prepare(
        `INSERT INTO outbox (id, form_id, destination, idempotency_key, body_hash, created_at, next_attempt_at, updated_at, lead)
         VALUES (@id, @formId, @destination, @key, @hash, @now, @now, @now, @lead)`,
      ),
      due: db.prepare<[number, string, number, number], Row>(
        `SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?
           AND (claimed_by IS NULL OR claimed_by != ? OR claimed_at < ?)
         ORDER BY next_attempt_at, created_at LIMIT ?`,
      ),
      claim: db.prepare('UPDATE outbox SET claimed_by = ?, claimed_at = ? WHERE id = ?'),
      record: db.prepare(
        `UPDATE outbox SET state = @state, attempts = attempts + 1, next_attempt_at = @next, last_error = @error,
           uncertain = @uncertain, remote_id = COALESCE(@remoteId, remote_id), updated_at = @now,
           claimed_by = NULL, claimed_at = NULL
         WHERE id = @id`,
      ),
      list: db.prepare<[DeliveryState, number], Row>('SELECT * FROM outbox WHERE state = ? ORDER BY created_at DESC LIMIT ?'),
      get: db.prepare<[string], Row>('SELECT * FROM outbox WHERE id = ?'),
      replay: db.prepare(
        `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?, claimed_by = NULL
         WHERE id = ? AND state = 'dead' AND lead IS NOT NULL`,
      ),
      counts: db.prepare<[], { state: DeliveryState; n: number; oldest: number }>(
        'SELECT state, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox GROUP BY state',
      ),
      inboxAdd: db.prepare('INSERT OR IGNORE INTO sandbox_inbox (lead_id, lead, delivered_at) VALUES (?, ?, ?)'),
      inboxList: db.prepare<[number], { lead: string; delivered_at: number }>(
        'SELECT lead, delivered_at FROM sandbox_inbox ORDER BY delivered_at DESC, rowid DESC LIMIT ?',
      ),
    };
  }

  async accept(input: AcceptInput): Promise<AcceptResult> {
    return this.db.transaction((): AcceptResult => {
      if (input.idempotencyKey !== null) {
        const existing = this.statements.findByKey.get(input.lead.formId, input.idempotencyKey);
        if (existing) return { kind: existing.body_hash === input.bodyHash ? 'replayed' : 'conflict', id: existing.id };
      }
      this.statements.insert.run({
        id: input.lead.id,
        formId: input.lead.formId,
        destination: input.destination,
        key: input.idempotencyKey,
        hash: input.bodyHash,
        now: Date.parse(input.lead.receivedAt),
        lead: JSON.stringify(input.lead),
      });
      return { kind: 'stored', id: input.lead.id };
    }).immediate();
  }

  async due(now: number, limit: number): Promise<OutboxEntry[]> {
    return this.db.transaction(() => {
      const rows = this.statements.due.all(now, this.processId, now - this.claimLeaseMs, limit);
      for (const row of rows) this.statements.claim.run(this.processId, now, row.id);
      // A row another process had claimed was mid-attempt when that process died: the vendor may
      // have the lead, so the next attempt must look before it creates.
      return rows.map((row) => toEntry(row, row.claimed_by !== null));
    }).immediate();
  }

  async record(id: string, record: AttemptRecord, now: number): Promise<void> {
    this.statements.record.run({
      id,
      now,
      state: record.state,
      next: record.state === 'pending' ? record.nextAttemptAt : now,
      error: record.state === 'delivered' ? null : record.error,
      uncertain: record.state === 'pending' && record.uncertain ? 1 : 0,
      remoteId: record.state === 'delivered' ? record.remoteId : null,
    });
  }

  async list(state: DeliveryState, limit: number): Promise<OutboxEntry[]> {
    return this.statements.list.all(state, limit).map((row) => toEntry(row, false));
  }

  async get(id: string): Promise<OutboxEntry | null> {
    const row = this.statements.get.get(id);
    return row ? toEntry(row, false) : null;
  }

  async replay(id: string, now: number): Promise<boolean> {
    return this.statements.replay.run(now, now, id).changes === 1;
  }

  async stats(): Promise<OutboxStats> {
    const stats: OutboxStats = { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null };
    for (const row of this.statements.counts.all()) {
      stats[row.state] = row.n;
      if (row.state === 'pending') stats.oldestPendingAt = row.oldest;
    }
    return stats;
  }

  /** The sandbox inbox kept in the same file as the outbox. */
  inbox(): SandboxInbox {
    const { inboxAdd, inboxList } = this.statements;
    return {
      add: async (lead: Lead, now: number) =>
        inboxAdd.run(lead.id, JSON.stringify(lead), now).changes === 1 ? 'added' : 'exists',
      list: async (limit: number) =>
        inboxList.all(limit).map((row) => ({ lead: JSON.parse(row.lead) as Lead, deliveredAt: row.delivered_at })),
    };
  }

  close(): void {
    this.db.close();
  }
}

function toEntry(row: Row, crashedMidAttempt: boolean): OutboxEntry {
  return {
    id: row.id,
    formId: row.form_id,
    destination: row.destination,
    state: row.state,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    uncertain: row.uncertain === 1 || crashedMidAttempt,
    remoteId: row.remote_id,
    lead: row.lead === null ? null : (JSON.parse(row.lead) as Lead),
  };
}
