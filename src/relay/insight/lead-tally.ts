/**
 * Submissions, deliveries and dead letters per form, day, destination and campaign, from the
 * outbox itself: exact, never estimated from beacons. In SQL a small summary table is kept in the
 * same transaction as the write that accepts or moves an entry, so the stats read a few rows: the
 * accept adds what it stored, one write per row of the summary a group commit touches
 * (`SqlOutbox.onEntriesStored`), and a trigger on the outbox moves an entry's count when its state
 * changes. The accept reads the campaign from the lead as the trigger's SQL does. Retention
 * deleting a delivered lead leaves its count: the summary is history, the outbox is work.
 *
 * A partial lead (one the visitor left, promoted after `partialAfterMinutes`) is no submission:
 * it is left out.
 *
 * The campaign is the lead's last touch (`attribution.last`, which the widget fills with the first
 * touch when no campaign came after it), as the beacons carry it.
 */
import type { SqlDriver } from '../../storage/sql-driver.ts';
import type { DeliveryState, RelayOutbox } from '../outbox.ts';
import type { SqlOutbox, StoredEntry } from '../sql-outbox.ts';
import { utcDay } from './counters.ts';

/** What the outbox holds of one form on one day, for one destination and one campaign. */
export interface LeadTallyRow {
  day: string;
  destination: string;
  source: string;
  medium: string;
  campaign: string;
  /** Entries accepted (each lead has one per destination of its form). */
  accepted: number;
  /** Of those, delivered now. */
  delivered: number;
  /** Of those, dead letters now. */
  dead: number;
}

export interface LeadTally {
  /** The rows of `formId` from day `from` to day `to` (inclusive, `YYYY-MM-DD`, UTC). */
  read(formId: string, from: string, to: string): Promise<LeadTallyRow[]>;
}

const DAY = (row: string) => `strftime('%Y-%m-%d', ${row}.created_at / 1000, 'unixepoch')`;
/** The last touch's parameter, or the first touch's where the lead has no last one. */
const TOUCH = (row: string, key: string) =>
  `COALESCE(json_extract(${row}.lead, CASE WHEN json_type(${row}.lead, '$.attribution.last') IS NULL THEN '$.attribution.first.${key}' ELSE '$.attribution.last.${key}' END), '')`;
const DIMENSIONS = (row: string) =>
  `${row}.form_id, ${DAY(row)}, ${row}.destination, ${TOUCH(row, 'utm_source')}, ${TOUCH(row, 'utm_medium')}, ${TOUCH(row, 'utm_campaign')}`;
/** A row that is a submission: not a partial lead (`lead.partial`). An erased payload was a submission or a partial; it counts. */
const SUBMITTED = (row: string) => `json_extract(${row}.lead, '$.partial') IS NOT 1`;
const UPSERT_HEAD = 'INSERT INTO insight_leads (form_id, day, destination, source, medium, campaign, accepted, delivered, dead)';
const UPSERT_TAIL = `ON CONFLICT (form_id, day, destination, source, medium, campaign) DO UPDATE SET
  accepted = accepted + excluded.accepted, delivered = delivered + excluded.delivered, dead = dead + excluded.dead`;

/** The summary counted afresh from the outbox, in the table's columns: what accepts and triggers keep it equal to. */
export const LEAD_TALLY_RECOUNT = `SELECT ${DIMENSIONS('outbox')}, COUNT(*), SUM(state = 'delivered'), SUM(state = 'dead') FROM outbox
     WHERE ${SUBMITTED('outbox')} GROUP BY 1, 2, 3, 4, 5, 6`;

const LEAD_TALLY_SCHEMA = [
  `CREATE TABLE insight_leads (
    form_id TEXT NOT NULL,
    day TEXT NOT NULL,
    destination TEXT NOT NULL,
    source TEXT NOT NULL,
    medium TEXT NOT NULL,
    campaign TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    delivered INTEGER NOT NULL,
    dead INTEGER NOT NULL,
    PRIMARY KEY (form_id, day, destination, source, medium, campaign)
  ) WITHOUT ROWID`,
  // The entries already in the file when the summary is first made; an erased payload counts without its campaign.
  `${UPSERT_HEAD} ${LEAD_TALLY_RECOUNT} ${UPSERT_TAIL}`,
  `CREATE TRIGGER IF NOT EXISTS insight_leads_update AFTER UPDATE OF state ON outbox WHEN OLD.state IS NOT NEW.state AND ${SUBMITTED('OLD')} BEGIN
     ${UPSERT_HEAD} VALUES (${DIMENSIONS('OLD')}, 0,
       (NEW.state = 'delivered') - (OLD.state = 'delivered'), (NEW.state = 'dead') - (OLD.state = 'dead')) ${UPSERT_TAIL};
   END`,
];

/** A stored entry's row of the summary, as `DIMENSIONS` reads it from the lead's JSON; null for a partial lead. */
function dimensionsOf(entry: StoredEntry): string[] | null {
  const { lead } = entry;
  if (lead.partial === true) return null;
  // `json_type(lead, '$.attribution.last') IS NULL`: the last touch is absent, not merely empty.
  const touch: Record<string, unknown> | undefined = lead.attribution?.last !== undefined ? lead.attribution.last : lead.attribution?.first;
  const param = (key: string) => {
    const value = touch?.[key];
    return value === undefined || value === null ? '' : String(value);
  };
  return [lead.formId, utcDay(entry.createdAt), entry.destination, param('utm_source'), param('utm_medium'), param('utm_campaign')];
}

/** The outboxes whose stored entries are tallied already: installed twice, a lead still counts once. */
const tallied = new WeakSet<object>();

/** Adds the entries one transaction stored: one write per row of the summary they touch. */
function addStored(sql: SqlDriver) {
  return (entries: readonly StoredEntry[]) => {
    const rows = new Map<string, { dimensions: string[]; accepted: number; delivered: number; dead: number }>();
    for (const entry of entries) {
      const dimensions = dimensionsOf(entry);
      if (!dimensions) continue;
      const key = dimensions.join('\n');
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { dimensions, accepted: 0, delivered: 0, dead: 0 }));
      row.accepted++;
      if (entry.state === 'delivered') row.delivered++;
      if (entry.state === 'dead') row.dead++;
    }
    for (const { dimensions, accepted, delivered, dead } of rows.values()) {
      sql.run(`${UPSERT_HEAD} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ${UPSERT_TAIL}`, ...dimensions, accepted, delivered, dead);
    }
  };
}

/**
 * Installs the summary beside an outbox (once per file: the table and its trigger are made in one
 * transaction, counting what the file holds), has the outbox add the leads it stores to it, and
 * reads it. Every process that stores leads in the file installs it, so none stores a lead the
 * summary misses.
 */
export function sqlLeadTally(outbox: Pick<SqlOutbox, 'sql' | 'onEntriesStored'>): LeadTally {
  const { sql } = outbox;
  const present = () => sql.all("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'insight_leads'").length > 0;
  if (!present()) {
    sql.transaction(() => {
      if (!present()) for (const statement of LEAD_TALLY_SCHEMA) sql.run(statement);
    });
  }
  // Files of before counted each stored entry by a trigger, which the accept now does itself.
  sql.exec('DROP TRIGGER IF EXISTS insight_leads_insert');
  if (!tallied.has(outbox)) {
    tallied.add(outbox);
    outbox.onEntriesStored(addStored(sql));
  }
  return {
    async read(formId, from, to) {
      return sql.all<LeadTallyRow>(
        'SELECT day, destination, source, medium, campaign, accepted, delivered, dead FROM insight_leads WHERE form_id = ? AND day >= ? AND day <= ?',
        formId,
        from,
        to,
      );
    },
  };
}

/**
 * The same figures read by listing an outbox's entries: for the outbox in memory (tests) and any
 * store without the SQL summary. It reads every entry, so it is for small stores only; an erased
 * payload counts without its campaign, and a lead retention deleted is no longer counted.
 */
export function listedLeadTally(outbox: Pick<RelayOutbox, 'list'>): LeadTally {
  return {
    async read(formId, from, to) {
      const rows = new Map<string, LeadTallyRow>();
      for (const state of ['pending', 'delivered', 'dead'] as DeliveryState[]) {
        let cursor: string | undefined;
        do {
          const page = await outbox.list(state, 1000, cursor);
          for (const entry of page.entries) {
            const day = utcDay(entry.createdAt);
            if (entry.formId !== formId || day < from || day > to || entry.lead?.partial) continue;
            const touch = (entry.lead?.attribution?.last ?? entry.lead?.attribution?.first ?? {}) as Record<string, string | undefined>;
            const dims = {
              day,
              destination: entry.destination,
              source: touch.utm_source ?? '',
              medium: touch.utm_medium ?? '',
              campaign: touch.utm_campaign ?? '',
            };
            const key = Object.values(dims).join('\u0000');
            let row = rows.get(key);
            if (!row) rows.set(key, (row = { ...dims, accepted: 0, delivered: 0, dead: 0 }));
            row.accepted += 1;
            if (state === 'delivered') row.delivered += 1;
            if (state === 'dead') row.dead += 1;
          }
          cursor = page.next ?? undefined;
        } while (cursor !== undefined);
      }
      return [...rows.values()];
    },
  };
}
