import { describe, expect, it } from 'vitest';
import { type FinalState, type SentLead, verify } from './scenario.ts';
import { type ChaosVendor, chaosForms } from './vendors.ts';

/** A vendor that holds `held[email]` copies of each lead; nothing else of it is used by `verify`. */
const vendor = (name: string, held: Record<string, number>, share = 0.1, looksBeforeCreate = true) =>
  ({ name, share, looksBeforeCreate, copies: (email: string) => held[email] ?? 0 }) as unknown as ChaosVendor;

const fanned: SentLead = { key: 'k1', form: 'fan-out', vendors: ['close', 'capillary'], email: 'a@example.com', id: 'L', tries: 1 };
const single: SentLead = { key: 'k2', form: 'to-close', vendors: ['close'], email: 'b@example.com', id: 'M', tries: 1 };
const delivered: FinalState = { state: 'delivered', lastError: null };

describe('the chaos checks, counted per destination', () => {
  it('fans one form out to the two largest vendors that look before they create', () => {
    const forms = chaosForms([vendor('webhook', {}, 0.5, false), vendor('close', {}, 0.3), vendor('pipedrive', {}, 0.05), vendor('capillary', {}, 0.2)]);
    expect(forms.map((form) => [form.id, form.destinations])).toEqual([
      ['to-webhook', ['webhook']],
      ['to-close', ['close']],
      ['to-pipedrive', ['pipedrive']],
      ['to-capillary', ['capillary']],
      ['fan-out', ['close', 'capillary']],
    ]);
  });

  it("passes when each destination's entry is delivered and at its vendor once", () => {
    const vendors = [vendor('close', { 'a@example.com': 1, 'b@example.com': 1 }), vendor('capillary', { 'a@example.com': 1 })];
    const states = new Map([
      ['L.close', delivered],
      ['L.capillary', delivered],
      ['M', delivered],
    ]);
    const result = verify([fanned, single], states, vendors, { same: 0, different: 0 });
    expect(result.checks.filter((check) => !check.ok)).toEqual([]);
    expect(result.delivered).toBe(3);
  });

  it("fails on a destination's entry that is missing, and on a duplicate at one of a lead's vendors", () => {
    const vendors = [vendor('close', { 'a@example.com': 1, 'b@example.com': 1 }), vendor('capillary', { 'a@example.com': 2 })];
    const states = new Map([
      ['L.close', delivered],
      ['M', delivered],
    ]);
    const failed = verify([fanned, single], states, vendors, { same: 0, different: 0 }).checks.filter((check) => !check.ok);
    expect(failed.map((check) => [check.name, check.detail])).toEqual([
      [expect.stringContaining('each of its destinations is in the outbox'), expect.stringContaining('1 missing: k1 → capillary')],
      ['no duplicate at capillary (it looks before it creates)', '1 duplicate(s)'],
    ]);
  });

  it('allows a second copy at a vendor that cannot be asked only when it says it is a resend', () => {
    const slackLike = (unmarked: number) =>
      ({ ...vendor('slack', { 'b@example.com': 2 }, 0.1, false), unmarkedResends: () => unmarked }) as unknown as ChaosVendor;
    const lead: SentLead = { ...single, form: 'to-slack', vendors: ['slack'] };
    const states = new Map([['M', delivered]]);
    const marked = verify([lead], states, [slackLike(0)], { same: 0, different: 0 });
    expect(marked.checks.filter((check) => !check.ok)).toEqual([]);
    expect(marked.duplicates).toEqual({ slack: 1 });
    const failed = verify([lead], states, [slackLike(1)], { same: 0, different: 0 }).checks.filter((check) => !check.ok);
    expect(failed.map((check) => [check.name, check.detail])).toEqual([
      ['every second copy at slack says it is a resend (it cannot look before it creates)', '1 second copies, 1 not marked'],
    ]);
  });
});
