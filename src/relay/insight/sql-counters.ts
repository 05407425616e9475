/**
 * The funnel counters in SQL, for every runtime whose storage is SQLite: a file of their own on
 * Node (`insight.sqlite`, so a flush never holds the outbox's write lock) and a Durable Object per
 * form on Workers. One row per counter, its dimensions the primary key; a flush adds to the rows
 * in one transaction.
 */
import type { SqlDriver } from '../../storage/sql-driver.ts';
import type { CounterRow, CountersStore } from './counters.ts';
import type { Device, EventType } from './events.ts';

export const COUNTERS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS insight_counters (
    day TEXT NOT NULL,
    form_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    type TEXT NOT NULL,
    step TEXT NOT NULL,
    field TEXT NOT NULL,
    source TEXT NOT NULL,
    medium TEXT NOT NULL,
    campaign TEXT NOT NULL,
    device TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (form_id, day, version, type, step, field, source, medium, campaign, device)
  ) WITHOUT ROWID`,
];

interface Row {
  day: string;
  form_id: string;
  version: number;
  type: EventType;
  step: string;
  field: string;
  source: string;
  medium: string;
  campaign: string;
  device: Device | '';
  n: number;
}

const ADD = `INSERT INTO insight_counters (day, form_id, version, type, step, field, source, medium, campaign, device, n)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (form_id, day, version, type, step, field, source, medium, campaign, device) DO UPDATE SET n = n + excluded.n`;

export function sqlCountersStore(sql: SqlDriver): CountersStore {
  for (const statement of COUNTERS_SCHEMA) sql.exec(statement);
  return {
    async add(rows) {
      sql.transaction(() => {
        for (const row of rows) {
          sql.run(ADD, row.day, row.formId, row.version, row.type, row.step, row.field, row.source, row.medium, row.campaign, row.device, row.n);
        }
      });
    },
    async read(formId, from, to) {
      return sql
        .all<Row>('SELECT * FROM insight_counters WHERE form_id = ? AND day >= ? AND day <= ?', formId, from, to)
        .map(({ form_id, ...row }): CounterRow => ({ ...row, formId: form_id }));
    },
  };
}
