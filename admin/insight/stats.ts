/**
 * The numbers the insight view shows, as `GET /v1/admin/forms/{id}/stats?from&to` gives them, and
 * the rows of each of its tables. Each table is built here once and both drawn and downloaded from
 * the same rows, so the chart, the table and the CSV can never disagree.
 */
import type { FormStats as RelayStats } from '../../src/relay/insight/stats.ts';
import type { Cell } from './csv.ts';
import { daysBetween } from './range.ts';

/**
 * The answer of `GET /v1/admin/forms/{id}/stats`, as far as the page reads it: the relay's own type,
 * so a change of the answer's shape is a type error here rather than an empty column.
 */
export type FormStats = Pick<RelayStats, 'views' | 'starts' | 'submissions' | 'delivered' | 'conversion' | 'steps' | 'fields' | 'bySource'> & {
  /** Every day of the range, in order; a relay without the series leaves it out. */
  byDay?: RelayStats['byDay'];
  /** Views and starts by the widget's device class. */
  byDevice?: RelayStats['byDevice'];
  /** Each destination's leads, deliveries and dead letters. */
  byDestination?: RelayStats['byDestination'];
};

/** A table's rows as the page shows and downloads them: the first column names the row. */
export interface TableData {
  /** What the table is, as its caption and the CSV file's name say. */
  caption: string;
  /** File name part, e.g. "funnel". */
  slug: string;
  columns: string[];
  rows: Cell[][];
  /** How many of the first columns name the row (th scope=row) rather than count it. @default 1 */
  headerColumns?: number;
}

/** A share as a percentage with one decimal ("12.5%"); "—" where there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '—';
}

/** True when the range holds nothing at all: no view, no start, no submission. */
export function isEmpty(stats: FormStats): boolean {
  return stats.views === 0 && stats.starts === 0 && stats.submissions === 0 && stats.delivered === 0;
}

/** The funnel: views → starts → submissions → delivered, each with its share of the views and of the stage before. */
export function funnelTable(stats: FormStats): TableData {
  const stages: [string, number][] = [
    ['Views', stats.views],
    ['Starts', stats.starts],
    ['Submissions', stats.submissions],
    ['Delivered', stats.delivered],
  ];
  return {
    caption: 'Funnel',
    slug: 'funnel',
    columns: ['Stage', 'Count', '% of views', '% of previous stage'],
    rows: stages.map(([stage, count], index) => [stage, count, percent(count, stats.views), index === 0 ? '—' : percent(count, stages[index - 1]![1])]),
  };
}

/** Per step: reached, errored, abandoned, and the share of the first step's visitors that reached it. */
export function stepsTable(stats: FormStats): TableData {
  const first = stats.steps[0]?.reached ?? 0;
  return {
    caption: 'Drop-off per step',
    slug: 'steps',
    columns: ['Step', 'Reached', 'Errored', 'Abandoned', '% of first step'],
    rows: stats.steps.map((step) => [step.id, step.reached, step.errored, step.abandoned, percent(step.reached, first)]),
  };
}

/** Per field: reached, errored, abandoned, and the share of those who reached it that left there. */
export function fieldsTable(stats: FormStats): TableData {
  return {
    caption: 'Drop-off per field',
    slug: 'fields',
    columns: ['Field', 'Reached', 'Errored', 'Abandoned', '% abandoned'],
    rows: stats.fields.map((field) => [field.name, field.reached, field.errored, field.abandoned, percent(field.abandoned, field.reached)]),
  };
}

/** Validation errors per field, most first, each with its share of all the errors: where the form's rules stop visitors most. */
export function errorsTable(stats: FormStats): TableData {
  const total = stats.fields.reduce((sum, field) => sum + field.errored, 0);
  const rows = stats.fields
    .filter((field) => field.errored > 0)
    .sort((a, b) => b.errored - a.errored || a.name.localeCompare(b.name))
    .map((field): Cell[] => [field.name, field.errored, percent(field.errored, total)]);
  return { caption: 'Validation errors per field', slug: 'errors', columns: ['Field', 'Errors', '% of all errors'], rows };
}

/** How a visit without that part of the campaign shows: the page and the CSV say "(none)" alike. */
export const NO_CAMPAIGN = '(none)';

/** Conversion by source / medium / campaign, the most viewed first. */
export function sourcesTable(stats: FormStats): TableData {
  const rows = [...stats.bySource]
    .sort((a, b) => b.views - a.views || b.submissions - a.submissions)
    .map((row): Cell[] => [
      row.source || NO_CAMPAIGN,
      row.medium || NO_CAMPAIGN,
      row.campaign || NO_CAMPAIGN,
      row.views,
      row.starts ?? null,
      row.submissions,
      percent(row.submissions, row.views),
    ]);
  return {
    caption: 'By source, medium and campaign',
    slug: 'sources',
    columns: ['Source', 'Medium', 'Campaign', 'Views', 'Starts', 'Submissions', 'Conversion'],
    rows,
    headerColumns: 3,
  };
}

/** Counts per day, every day of the range (a day the relay leaves out counts 0), or null when the relay gives no series. */
export function daysTable(stats: FormStats, from: string, to: string): TableData | null {
  if (!stats.byDay) return null;
  const byDate = new Map(stats.byDay.map((day) => [day.day, day]));
  return {
    caption: 'Per day (UTC)',
    slug: 'days',
    columns: ['Day', 'Views', 'Starts', 'Submissions', 'Delivered'],
    rows: daysBetween(from, to).map((date) => {
      const day = byDate.get(date);
      return [date, day?.views ?? 0, day?.starts ?? 0, day?.submissions ?? 0, day?.delivered ?? 0];
    }),
  };
}

/** Views and starts by device class, the most viewed first; a widget that did not say is "(not said)". */
export function devicesTable(stats: FormStats): TableData {
  return {
    caption: 'By device',
    slug: 'devices',
    columns: ['Device', 'Views', 'Starts', '% started'],
    rows: (stats.byDevice ?? []).map((row): Cell[] => [row.device || '(not said)', row.views, row.starts, percent(row.starts, row.views)]),
  };
}

/** Each destination's share of the form's leads: what it was sent, delivered, and holds as dead letters. */
export function destinationsTable(stats: FormStats): TableData {
  return {
    caption: 'By destination',
    slug: 'destinations',
    columns: ['Destination', 'Submissions', 'Delivered', 'Dead letters', '% delivered'],
    rows: (stats.byDestination ?? []).map((row): Cell[] => [
      row.destination,
      row.submissions,
      row.delivered,
      row.dead,
      percent(row.delivered, row.submissions),
    ]),
  };
}
