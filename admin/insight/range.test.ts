import { describe, expect, it } from 'vitest';
import { daysBetween, hashOf, isDay, lastDays, presetOf, selectionFromHash } from './range.ts';

const NOW = Date.parse('2026-12-02T00:30:00Z');

describe('the insight range', () => {
  it('defaults to the last 30 UTC days, today included', () => {
    expect(selectionFromHash('#view=insight', NOW)).toEqual({ form: null, from: '2026-11-03', to: '2026-12-02' });
    expect(presetOf(lastDays(30, NOW), NOW)).toBe(30);
  });

  it('reads the form and the days a link names, and writes them back the same', () => {
    const selection = selectionFromHash('#view=insight&form=contact&from=2026-10-01&to=2026-10-31', NOW);
    expect(selection).toEqual({ form: 'contact', from: '2026-10-01', to: '2026-10-31' });
    expect(hashOf(selection)).toBe('#view=insight&form=contact&from=2026-10-01&to=2026-10-31');
    expect(presetOf(selection, NOW)).toBeNull();
  });

  it('turns a backwards range round and falls back to the default for a day that is not one', () => {
    expect(selectionFromHash('#form=a&from=2026-10-31&to=2026-10-01', NOW)).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
    expect(selectionFromHash('#form=a&from=2026-02-30&to=2026-03-01', NOW)).toMatchObject({ from: '2026-11-03', to: '2026-12-02' });
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-2-28')).toBe(false);
  });

  it('lists every day of a range across a month end', () => {
    expect(daysBetween('2026-11-29', '2026-12-02')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(lastDays(7, NOW)).toEqual({ from: '2026-11-26', to: '2026-12-02' });
  });
});
