/**
 * A form's funnel over a date range (`GET /v1/admin/forms/{id}/stats`): views and starts from the
 * beacons' counters, submissions, deliveries and dead letters from the outbox (exact), and where
 * visitors stopped, per step and per field.
 */
import { formDestinations, type FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { CounterRow } from './counters.ts';
import type { LeadTallyRow } from './lead-tally.ts';

/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 366;

/** The range when none is asked for: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;

export interface DateRange {
  from: string;
  to: string;
}

export interface FormStats {
  from: string;
  to: string;
  /** The form became at least half visible. */
  views: number;
  /** A visitor typed or chose something in it. */
  starts: number;
  /** Leads accepted into the outbox (each once, whatever its number of destinations). */
  submissions: number;
  /**
   * Leads delivered. For a form with several destinations: the least of its destinations'
   * delivered counts per day and campaign (each is in `byDestination`).
   */
  delivered: number;
  /** Dead letters now waiting for a replay, over every destination. */
  dead: number;
  /** submissions / views, 0 without views. */
  conversion: number;
  /** Each step of a multi-step form in order (empty for a one-step form): how many reached it and gave up there. */
  steps: { id: string; reached: number; abandoned: number; errored: number }[];
  /** Each field (hidden ones aside): how many reached its step, saw it with an error, left the page with it the last one touched. */
  fields: { name: string; step: string | null; reached: number; errored: number; abandoned: number }[];
  /** By the visit's last touch (`utm_source`, `utm_medium`, `utm_campaign`; '' where absent). */
  bySource: { source: string; medium: string; campaign: string; views: number; starts: number; submissions: number }[];
  /** Every day of the range, in order, for a chart. */
  byDay: { day: string; views: number; starts: number; submissions: number; delivered: number }[];
  /** By the widget's device class ('' when the widget did not say). */
  byDevice: { device: string; views: number; starts: number }[];
  byDestination: { destination: string; submissions: number; delivered: number; dead: number }[];
}

/**
 * The range a request asks for (`from` and `to`, `YYYY-MM-DD`, inclusive, UTC), else the last
 * `DEFAULT_RANGE_DAYS` days up to `today`.
 */
export function readRange(from: string | undefined, to: string | undefined, today: string): Refusable<DateRange> {
  const end = to ?? today;
  if (!isDay(end)) return refused(badRange(`to must be a date as YYYY-MM-DD; got "${end.slice(0, 32)}".`));
  const start = from ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1));
  if (!isDay(start)) return refused(badRange(`from must be a date as YYYY-MM-DD; got "${start.slice(0, 32)}".`));
  if (start > end) return refused(badRange(`from (${start}) is after to (${end}).`));
  const days = daysBetween(start, end) + 1;
  if (days > MAX_RANGE_DAYS) return refused(badRange(`The range holds ${days} days; ask for at most ${MAX_RANGE_DAYS}.`));
  return passed({ from: start, to: end });
}

export function computeStats(form: FormConfig, range: DateRange, counters: readonly CounterRow[], leads: readonly LeadTallyRow[]): FormStats {
  const sum = (rows: readonly CounterRow[], test: (row: CounterRow) => boolean) => rows.reduce((total, row) => total + (test(row) ? row.n : 0), 0);
  const views = sum(counters, (row) => row.type === 'view');
  const starts = sum(counters, (row) => row.type === 'start');

  // A lead has one entry per destination: per day and campaign, the leads are the most entries
  // any destination has, and delivered the fewest any has delivered.
  const leadGroups = new Map<string, { day: string; source: string; medium: string; campaign: string; accepted: number; delivered: number }>();
  const destinations = new Map<string, { destination: string; submissions: number; delivered: number; dead: number }>();
  let dead = 0;
  for (const row of leads) {
    const key = [row.day, row.source, row.medium, row.campaign].join('\u0000');
    const group = leadGroups.get(key);
    if (!group) leadGroups.set(key, { ...row });
    else {
      group.accepted = Math.max(group.accepted, row.accepted);
      group.delivered = Math.min(group.delivered, row.delivered);
    }
    let each = destinations.get(row.destination);
    if (!each) destinations.set(row.destination, (each = { destination: row.destination, submissions: 0, delivered: 0, dead: 0 }));
    each.submissions += row.accepted;
    each.delivered += row.delivered;
    each.dead += row.dead;
    dead += row.dead;
  }
  const groups = [...leadGroups.values()];
  const submissions = groups.reduce((total, group) => total + group.accepted, 0);
  const delivered = groups.reduce((total, group) => total + group.delivered, 0);

  const stepIds = (form.steps ?? []).map((step) => step.id);
  const stepOf = new Map<string, string>();
  for (const step of form.steps ?? []) for (const name of step.fields) stepOf.set(name, step.id);
  // The first step is reached by starting; each later one by the widget's step event.
  const reachedStep = (id: string) => (id === stepIds[0] ? starts : sum(counters, (row) => row.type === 'step' && row.step === id));
  const steps = stepIds.map((id) => ({
    id,
    reached: reachedStep(id),
    abandoned: sum(counters, (row) => row.type === 'abandon' && row.step === id),
    errored: sum(counters, (row) => row.type === 'field_error' && row.step === id),
  }));
  const fields = form.fields
    .filter((field) => field.type !== 'hidden')
    .map((field) => {
      const step = stepOf.get(field.name) ?? null;
      return {
        name: field.name,
        step,
        reached: step === null ? starts : reachedStep(step),
        errored: sum(counters, (row) => row.type === 'field_error' && row.field === field.name),
        abandoned: sum(counters, (row) => row.type === 'abandon' && row.field === field.name),
      };
    });

  const sources = new Map<string, FormStats['bySource'][number]>();
  const sourceOf = (row: { source: string; medium: string; campaign: string }) => {
    const key = [row.source, row.medium, row.campaign].join('\u0000');
    let found = sources.get(key);
    if (!found) sources.set(key, (found = { source: row.source, medium: row.medium, campaign: row.campaign, views: 0, starts: 0, submissions: 0 }));
    return found;
  };
  const days = new Map<string, FormStats['byDay'][number]>();
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) days.set(day, { day, views: 0, starts: 0, submissions: 0, delivered: 0 });
  const devices = new Map<string, FormStats['byDevice'][number]>();
  for (const row of counters) {
    if (row.type !== 'view' && row.type !== 'start') continue;
    const key = row.type === 'view' ? 'views' : 'starts';
    sourceOf(row)[key] += row.n;
    const day = days.get(row.day);
    if (day) day[key] += row.n;
    let device = devices.get(row.device);
    if (!device) devices.set(row.device, (device = { device: row.device, views: 0, starts: 0 }));
    device[key] += row.n;
  }
  for (const group of groups) {
    sourceOf(group).submissions += group.accepted;
    const day = days.get(group.day);
    if (day) {
      day.submissions += group.accepted;
      day.delivered += group.delivered;
    }
  }
  // Every destination of the form appears, with zeros when it has no lead in the range.
  for (const name of formDestinations(form)) if (!destinations.has(name)) destinations.set(name, { destination: name, submissions: 0, delivered: 0, dead: 0 });

  return {
    from: range.from,
    to: range.to,
    views,
    starts,
    submissions,
    delivered,
    dead,
    conversion: views === 0 ? 0 : Math.round((submissions / views) * 10_000) / 10_000,
    steps,
    fields,
    bySource: [...sources.values()].sort((a, b) => b.views - a.views || b.submissions - a.submissions),
    byDay: [...days.values()],
    byDevice: [...devices.values()].sort((a, b) => b.views - a.views),
    byDestination: [...destinations.values()],
  };
}

function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const at = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(at) && new Date(at).toISOString().slice(0, 10) === text;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function badRange(message: string): RelayError {
  return new RelayError('bad_request', 400, message);
}
