import { describe, expect, it } from 'vitest';
import {
  daysTable,
  destinationsTable,
  devicesTable,
  errorsTable,
  fieldsTable,
  type FormStats,
  funnelTable,
  isEmpty,
  sourcesTable,
  stepsTable,
} from './stats.ts';

const STATS: FormStats = {
  views: 200,
  starts: 80,
  submissions: 30,
  delivered: 29,
  conversion: 0.15,
  steps: [
    { id: 'you', reached: 80, errored: 14, abandoned: 20 },
    { id: 'company', reached: 50, errored: 0, abandoned: 20 },
  ],
  fields: [
    { name: 'name', step: 'you', reached: 80, errored: 2, abandoned: 5 },
    { name: 'email', step: 'you', reached: 75, errored: 12, abandoned: 15 },
    { name: 'company', step: 'company', reached: 50, errored: 0, abandoned: 20 },
  ],
  bySource: [
    { source: 'newsletter', medium: 'email', campaign: 'spring', views: 50, starts: 20, submissions: 10 },
    { source: '', medium: '', campaign: '', views: 150, starts: 60, submissions: 20 },
  ],
};

describe('the insight tables', () => {
  it('the funnel: each stage with its share of the views and of the stage before', () => {
    expect(funnelTable(STATS).rows).toEqual([
      ['Views', 200, '100.0%', '—'],
      ['Starts', 80, '40.0%', '40.0%'],
      ['Submissions', 30, '15.0%', '37.5%'],
      ['Delivered', 29, '14.5%', '96.7%'],
    ]);
  });

  it('per step: its counts and the share of the first step visitors that reached it', () => {
    const table = stepsTable(STATS);
    expect(table.columns).toEqual(['Step', 'Reached', 'Errored', 'Abandoned', '% of first step']);
    expect(table.rows).toEqual([
      ['you', 80, 14, 20, '100.0%'],
      ['company', 50, 0, 20, '62.5%'],
    ]);
  });

  it('per field, and validation errors the most first, without the fields that had none', () => {
    expect(fieldsTable(STATS).rows[1]).toEqual(['email', 75, 12, 15, '20.0%']);
    expect(errorsTable(STATS).rows).toEqual([
      ['email', 12, '85.7%'],
      ['name', 2, '14.3%'],
    ]);
  });

  it('by campaign: the most viewed first, a visit without a campaign as "(none)"', () => {
    expect(sourcesTable(STATS).rows).toEqual([
      ['(none)', '(none)', '(none)', 150, 60, 20, '13.3%'],
      ['newsletter', 'email', 'spring', 50, 20, 10, '20.0%'],
    ]);
  });

  it('over days: every day of the range, a day without counts as zeros; none without a series', () => {
    expect(daysTable(STATS, '2026-11-01', '2026-11-02')).toBeNull();
    const days = daysTable({ ...STATS, byDay: [{ day: '2026-11-02', views: 3, starts: 0, submissions: 1, delivered: 0 }] }, '2026-11-01', '2026-11-02');
    expect(days?.rows).toEqual([
      ['2026-11-01', 0, 0, 0, 0],
      ['2026-11-02', 3, 0, 1, 0],
    ]);
  });

  it('by device and by destination, as the relay lists them', () => {
    const more: FormStats = {
      ...STATS,
      byDevice: [
        { device: 'mobile', views: 120, starts: 30 },
        { device: '', views: 80, starts: 50 },
      ],
      byDestination: [
        { destination: 'crm', submissions: 30, delivered: 29, dead: 1 },
        { destination: 'team-alert', submissions: 30, delivered: 30, dead: 0 },
      ],
    };
    expect(devicesTable(more).rows).toEqual([
      ['mobile', 120, 30, '25.0%'],
      ['(not said)', 80, 50, '62.5%'],
    ]);
    expect(destinationsTable(more).rows).toEqual([
      ['crm', 30, 29, 1, '96.7%'],
      ['team-alert', 30, 30, 0, '100.0%'],
    ]);
    expect(devicesTable(STATS).rows).toEqual([]);
  });

  it('is empty only when nothing at all happened', () => {
    const nothing = { ...STATS, views: 0, starts: 0, submissions: 0, delivered: 0 };
    expect(isEmpty(nothing)).toBe(true);
    expect(isEmpty({ ...nothing, submissions: 1 })).toBe(false);
  });
});
