/**
 * What the insight view shows, as its link says it: `#view=insight&form=ID&from=YYYY-MM-DD&to=YYYY-MM-DD`.
 * Days are UTC days, as the relay counts them, so a link opens the same numbers wherever it is opened.
 */
import { utcDay } from '../../src/relay/insight/counters.ts';

/** The presets the view offers, in days ending today. */
export const PRESET_DAYS = [7, 30, 90] as const;

/** The range shown when the link names none: the last 30 days, today included. @default 30 */
export const DEFAULT_DAYS = 30;

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface InsightSelection {
  /** The form's id, or null before one is chosen. */
  form: string | null;
  /** First day shown, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day shown, YYYY-MM-DD (UTC), included. */
  to: string;
}

/** The UTC day of `time` as YYYY-MM-DD: the relay's own rule, so the page's days are the counters'. */
export const isoDay = utcDay;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isDay(value: string | null | undefined): value is string {
  return !!value && ISO_DAY.test(value) && isoDay(Date.parse(`${value}T00:00:00Z`) || 0) === value;
}

/** The last `days` days up to the day of `now`, today included. */
export function lastDays(days: number, now: number = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - (days - 1) * DAY_MS), to: isoDay(now) };
}

/** Which preset a range is, if it is one that ends today; null for a range of the operator's own. */
export function presetOf(selection: { from: string; to: string }, now: number = Date.now()): number | null {
  return (
    PRESET_DAYS.find((days) => {
      const range = lastDays(days, now);
      return range.from === selection.from && range.to === selection.to;
    }) ?? null
  );
}

/** Every day from `from` to `to`, both included, for a chart over days that has no gap. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(`${from}T00:00:00Z`); time <= Date.parse(`${to}T00:00:00Z`); time += DAY_MS) days.push(isoDay(time));
  return days;
}

/**
 * The selection a hash names. A day that is missing or not a day falls back to the default range;
 * a range given backwards is turned round, so a link typed by hand still opens something sensible.
 */
export function selectionFromHash(hash: string, now: number = Date.now()): InsightSelection {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const fallback = lastDays(DEFAULT_DAYS, now);
  const from = params.get('from');
  const to = params.get('to');
  const range = isDay(from) && isDay(to) ? (from <= to ? { from, to } : { from: to, to: from }) : fallback;
  return { form: params.get('form') || null, ...range };
}

/** The hash that opens `selection` in the insight view. */
export function hashOf(selection: InsightSelection): string {
  const params = new URLSearchParams({ view: 'insight' });
  if (selection.form) params.set('form', selection.form);
  params.set('from', selection.from);
  params.set('to', selection.to);
  return `#${params}`;
}
