/**
 * A submission body read against its form definition: the relay checks the whole body before
 * storing anything. Each field's rules are `fieldIssue`'s, the same function the widget checks
 * with as the visitor types, and what is shown is `shownFields`', the same evaluator the widget
 * shows and hides with; so both sides agree, and a rule's code (never its wording) is what
 * crosses the wire.
 */
import { type Attribution, readAttribution } from './attribution.ts';
import { shownFields } from './conditions.ts';
import { isCountryCode } from './countries.ts';
import { type FieldValue, fieldIssue, storedValue, useCountryCodes, useFieldRules } from './field.ts';
import { FIELD_RULES } from './field-rules.ts';
import type { FormDefinition } from './form.ts';
import { EN_MESSAGES, ruleMessage } from './messages.ts';
import { integer, invalidType, isFatal, isPlainObject, object, type Reader, record, string, type SubmissionIssue } from './shape.ts';

export { fieldIssue, type FieldValue, ruleParams } from './field.ts';

// The relay's fieldIssue has every rule; the widget's gets these with the chunks of the types that need them.
useCountryCodes(isCountryCode);
useFieldRules(FIELD_RULES);

export interface SubmissionMeta {
  /** Milliseconds the visitor spent between the form's first render and submit. */
  fillMs?: number | undefined;
  /** The honeypot: a field people never see, so any value means a bot. */
  hp?: string | undefined;
  locale?: string | undefined;
  /** The page the form was submitted from. */
  page?: string | undefined;
  /** A Cloudflare Turnstile token, when the form asks for one. */
  turnstile?: string | undefined;
  /**
   * The version of the form the page loaded (its definition's `version`), so a submission from a
   * page loaded before a publish is checked against the fields it showed. Absent: the current one.
   */
  formVersion?: number | undefined;
  /**
   * The country the visitor chose for each phone field, by field name (`{"phone": "DE"}`); the
   * relay reads a number without a `+` dial code as that country's.
   */
  phoneCountries?: Record<string, string> | undefined;
}

const readMeta: Reader<SubmissionMeta> = object<SubmissionMeta>({
  fillMs: integer(0),
  hp: string(1000),
  locale: string(35),
  page: string(2048),
  turnstile: string(4096),
  formVersion: integer(1),
  phoneCountries: record(64, string(Number.POSITIVE_INFINITY, /^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code, e.g. "DE"')),
});

export interface Submission {
  fields: Record<string, FieldValue>;
  attribution?: Attribution | undefined;
  meta?: SubmissionMeta | undefined;
}

export type { SubmissionIssue };

export type SubmissionResult = { ok: true; submission: Submission } | { ok: false; issues: SubmissionIssue[] };

/**
 * Reads a submission body against its form: the body's shape (an object with `fields`, and
 * optional `attribution` and `meta`), then each field the form shows for the values sent with
 * `fieldIssue`'s rules. On success, only those fields remain, and optional ones left empty are
 * dropped, as are keys the form does not have, so a CRM never receives blank or hidden values.
 */
export function validateSubmission(form: FormDefinition, body: unknown): SubmissionResult {
  const issues: SubmissionIssue[] = [];
  if (!isPlainObject(body)) {
    invalidType([], issues);
    return { ok: false, issues };
  }
  const values = isPlainObject(body.fields) ? (body.fields as Record<string, FieldValue | undefined>) : invalidType(['fields'], issues);
  const attribution = body.attribution === undefined ? undefined : readAttribution(body.attribution, ['attribution'], issues);
  const meta = body.meta === undefined ? undefined : readMeta(body.meta, ['meta'], issues);
  if (!values || issues.some(isFatal)) return { ok: false, issues };

  const shown = shownFields(form, values);
  const fields: Record<string, FieldValue> = {};
  for (const field of form.fields) {
    if (!shown.has(field.name)) continue;
    const sent = Object.hasOwn(values, field.name) ? values[field.name] : undefined;
    const code = fieldIssue(field, sent);
    if (code) {
      issues.push({ path: ['fields', field.name], code, message: ruleMessage(field, code, EN_MESSAGES, 'en') });
      continue;
    }
    if (sent === undefined || sent === null) continue;
    const stored = storedValue(field, sent);
    if (stored !== '' && !(Array.isArray(stored) && stored.length === 0)) fields[field.name] = stored;
  }
  if (issues.length) return { ok: false, issues };
  const submission: Submission = { fields };
  if (attribution !== undefined) submission.attribution = attribution;
  if (meta !== undefined) submission.meta = meta;
  return { ok: true, submission };
}
