/**
 * What a fake vendor tells the suites that run against every vendor at once, so that they loop
 * over the registry (index.ts) instead of listing vendors: how the chaos run treats it, how its
 * destination reaches it through a proxy, and where a visitor's values land in its record. How
 * many records it holds for an email is `FakeVendor.leadsWithEmail`, which every fake has.
 */
import type { Lead } from '../../schema/lead.ts';
import type { FakeVendor } from './server.ts';

/** The vendor-shaped faults every fake answers through `inject`, named as a chaos run counts them. */
export type VendorFault = 'vendor:serverError' | 'vendor:rateLimited' | 'vendor:rateLimited:reset' | 'vendor:commitThenHang' | 'vendor:invalid';

/** A fault only one vendor answers (Capillary's 521), named like the shared ones. */
export type OwnFault = `vendor:${string}`;

export interface ChaosProfile<Fake extends FakeVendor> {
  /** This vendor's share of a chaos run's leads (the shares are relative, they need not sum to 1). */
  share: number;
  /**
   * True when the adapter looks a lead up before creating it again, so the vendor must never hold
   * two copies; false when the receiver dedupes by itself (its copies are still counted).
   */
  looksBeforeCreate: boolean;
  /** Whether a call creates a lead: the proxy queues vendor faults only before those. */
  isCreate(method: string, path: string): boolean;
  /**
   * For a vendor that cannot be asked (`looksBeforeCreate: false`) and whose adapter marks a resend
   * as one: of the records `stored` for one lead, how many after the first do not say they are a
   * resend. Chaos requires none: every second copy must be recognisable as the first one again.
   * @default not checked
   */
  unmarkedResends?(stored: readonly unknown[]): number;
  /** Shared vendor faults this vendor never meets in a run (each with its reason beside it). */
  without?: readonly VendorFault[];
  /** Faults only this vendor answers: their weight among the others and how the fake is made to answer one. */
  own?: Readonly<Record<OwnFault, { weight: number; inject(fake: Fake): void }>>;
}

/** A destination's configuration without its `type`, and the environment holding its secrets. */
export interface DestinationSetup {
  options: Record<string, unknown>;
  env: Record<string, string>;
}

/** The lead values a record check reads: the visitor's fields and the campaign of the last touch. */
export type LeadValues = Pick<Lead, 'fields' | 'attribution'>;

/** The matchers a record check uses, which Vitest's `expect` and Playwright's both provide. */
export type Expect = (actual: unknown) => {
  toMatchObject(expected: Record<string, unknown> | unknown[]): void;
  toContain(expected: unknown): void;
};

export interface BrowserProfile<Fake extends FakeVendor> {
  /** A form mapping into the fake account's own custom fields, so the browser test fills one as well. */
  mapping?: Record<string, string>;
  /** Asserts that the vendor's record holds the visitor's fields and campaign where the adapter puts them. */
  expectArrived(expect: Expect, stored: unknown, lead: LeadValues, fake: Fake): void;
}

/**
 * The form engine's values as a lead carries them, the same for every vendor: a `checkboxes`
 * list, a `number`, a `date`, a `url`, a `country`, and a phone the relay read into E.164.
 */
export const FORM_ENGINE_VALUES = {
  topics: ['crm', 'api'],
  seats: 25,
  start: '2026-03-01',
  website: 'https://analytical.example/pilot',
  country: 'GB',
  phone: '+442079460123',
} as const;
/** What the visitor typed for `FORM_ENGINE_VALUES.phone`. */
export const FORM_ENGINE_TYPED_PHONE = '020 7946 0123';

/**
 * For a vendor that receives a message a person reads (an email, a Slack post) rather than typed
 * fields: each form-engine value written out as a person reads it, and the phone in E.164 with
 * what the visitor typed beside it.
 */
export function expectFormEngineReadable(expect: Expect, text: string): void {
  for (const value of [
    FORM_ENGINE_VALUES.topics.join(', '),
    String(FORM_ENGINE_VALUES.seats),
    FORM_ENGINE_VALUES.start,
    FORM_ENGINE_VALUES.website,
    FORM_ENGINE_VALUES.country,
  ])
    expect(text).toContain(value);
  expect(text).toContain(FORM_ENGINE_VALUES.phone);
  expect(text).toContain(FORM_ENGINE_TYPED_PHONE);
}

export interface FormEngineProfile<Fake extends FakeVendor> {
  /** A form mapping of `topics`, `seats` and `start` into the fake account's own typed fields. */
  mapping: Record<string, string>;
  /** Asserts each of `FORM_ENGINE_VALUES` arrived in the shape the vendor's field type takes. */
  expectArrived(expect: Expect, stored: unknown, lead: LeadValues, fake: Fake): void;
}

export interface FakeProfile<Fake extends FakeVendor = FakeVendor> {
  start(): Promise<Fake>;
  /** The destination's options and secrets when its calls go to `url` (a proxy before the fake) instead of the fake itself. */
  reachedThrough(fake: Fake, url: string): DestinationSetup;
  chaos: ChaosProfile<Fake>;
  browser: BrowserProfile<Fake>;
  formEngine: FormEngineProfile<Fake>;
}
