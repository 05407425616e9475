/**
 * The lead: the core's central record. The relay builds it from an accepted submission, the outbox
 * stores it, and every destination receives it as it was stored.
 */
import type { Attribution } from './attribution.ts';
import type { FieldValue } from './submission.ts';

/**
 * How the relay read one `tel` field's number. The lead's `fields.<name>` holds what a CRM
 * should get: the E.164 number when the number is valid for its country, else the text as the
 * visitor typed it (a number is never refused for its format unless the field is `strict`).
 */
export interface PhoneReading {
  /** What the visitor typed, trimmed: `"030 1234567"`. */
  raw: string;
  /** The number in E.164 (`"+49301234567"`), when it is a valid number. */
  e164?: string | undefined;
  /**
   * The ISO 3166-1 alpha-2 country the number belongs to (`"DE"`), else the one it was read
   * with (the visitor's choice, then the field's `phone.defaultCountry`, then the locale's region).
   */
  country?: string | undefined;
  /** Whether the number is valid for its country (libphonenumber-js, full metadata). */
  valid: boolean;
}

/** A lead as the relay stored it, and as every destination receives it. */
export interface Lead {
  /** The relay's submission id; adapters store it at the vendor where they can (origin id). */
  id: string;
  formId: string;
  /** ISO 8601. */
  receivedAt: string;
  /** The values of the fields the form showed; a `tel` field's is in E.164 when it is valid (see `phones`). */
  fields: Record<string, FieldValue>;
  /** Each `tel` field with a value, by field name: what was typed and how the relay read it. */
  phones?: Record<string, PhoneReading> | undefined;
  attribution?: Attribution | undefined;
  /** Where the visitor submitted from; never spam signals or tokens. */
  page?: string | undefined;
  locale?: string | undefined;
  /**
   * Set on a partial lead: the visitor gave an email or phone and left without submitting
   * (see the form's `partials`). Only destinations with `deliverPartials: true` receive one.
   */
  partial?: true | undefined;
}
