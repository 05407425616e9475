/**
 * The rules one field's value must follow, with no zod in them: the widget checks each field with
 * `fieldIssue` as the visitor types and bundles this file, and `submission.ts` wraps the same
 * function in the relay's whole-body schema, so both sides agree on every rule.
 */
import type { FieldDefinition } from './form.ts';
import { maxLengthOf, RULE_CODES, type RuleCode } from './form-keys.ts';

// Pragmatic on purpose: the CRM is the judge of deliverability; this catches typos like "a@b".
const EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:.]{2,}$/u;
// Loose on purpose: the relay reads the number itself (libphonenumber-js); this catches "n/a".
const TEL = /^\+?[\d\s().\-/]{5,32}$/;
const MAX_EMAIL_LENGTH = 254;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether a code is a country's: set to `countries.ts`'s `isCountryCode` by the relay's
 * `submission.ts` and by the widget's chunk of `country` fields (`registerRareRenderers`), so the
 * list of codes ships with those and not with every form. Until then no code is a country (a
 * country field refuses, never accepts).
 */
let isCountryCode: (code: string) => boolean = () => false;

/** Makes `check` the country rule of `fieldIssue`. */
export function useCountryCodes(check: (code: string) => boolean): void {
  isCountryCode = check;
}

/**
 * A field's value: text for text-like fields, `select`, `radio`, `date`, `url` and `country`;
 * a boolean for `checkbox` and `consent`; a number for `number`; the chosen values for `checkboxes`.
 */
export type FieldValue = string | boolean | number | string[];

/** Whether a value counts as not filled in: absent, blank text, an empty list, an unticked box. */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === undefined || value === null || value === false || (typeof value === 'string' ? value.trim() === '' : Array.isArray(value) && value.length === 0)
  );
}

/** The code of the first rule `value` breaks for `field`, or undefined when it is valid. */
export function fieldIssue(field: FieldDefinition, value: FieldValue | undefined): RuleCode | undefined {
  // An unticked box is a value (false), not a missing one: `required` on a box asks for true.
  const missing =
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (field.type === 'checkboxes' && Array.isArray(value) && value.length === 0);
  if (missing) return field.required ? 'required' : undefined;
  switch (field.type) {
    case 'checkbox':
    case 'consent':
      if (typeof value !== 'boolean') return 'invalid_type';
      return field.required && !value ? 'required' : undefined;
    case 'select':
    case 'radio':
      return typeof value === 'string' && optionValues(field).includes(value) ? undefined : 'invalid_option';
    case 'checkboxes':
      return choicesIssue(field, value);
    case 'number':
      return numberIssue(field, value);
    case 'date':
      return dateIssue(field, value);
    case 'country':
      return typeof value === 'string' && isCountryCode(value) && (!field.options || optionValues(field).includes(value)) ? undefined : 'invalid_country';
    case 'url':
      if (typeof value !== 'string') return 'invalid_url';
      return textIssue(field, value.trim()) ?? (isWebAddress(value.trim()) ? undefined : 'invalid_url');
    default:
      return typeof value === 'string' ? textIssue(field, value.trim()) : 'invalid_type';
  }
}

function optionValues(field: FieldDefinition): string[] {
  return (field.options ?? []).map((option) => option.value);
}

/** The first rule a trimmed, non-empty text value breaks, if any. */
function textIssue(field: FieldDefinition, value: string): RuleCode | undefined {
  if (field.minLength !== undefined && value.length < field.minLength) return 'too_short';
  const max = field.type === 'email' ? Math.min(maxLengthOf(field), MAX_EMAIL_LENGTH) : maxLengthOf(field);
  if (value.length > max) return 'too_long';
  if (field.type === 'email' && !EMAIL.test(value)) return 'invalid_email';
  if (field.type === 'tel' && (!TEL.test(value) || value.replace(/\D/g, '').length < 5)) return 'invalid_tel';
  if (field.pattern !== undefined && !wholeMatch(field.pattern).test(value)) return 'pattern';
  return undefined;
}

function choicesIssue(field: FieldDefinition, value: FieldValue): RuleCode | undefined {
  if (!Array.isArray(value) || value.some((choice) => typeof choice !== 'string')) return 'invalid_type';
  const values = optionValues(field);
  if (new Set(value).size !== value.length || value.some((choice) => !values.includes(choice))) return 'invalid_option';
  if (field.minSelected !== undefined && value.length < field.minSelected) return 'too_few';
  if (field.maxSelected !== undefined && value.length > field.maxSelected) return 'too_many';
  return undefined;
}

function numberIssue(field: FieldDefinition, value: FieldValue): RuleCode | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'invalid_number';
  if (typeof field.min === 'number' && value < field.min) return 'too_small';
  if (typeof field.max === 'number' && value > field.max) return 'too_large';
  if (field.step !== undefined && !onStep(value, typeof field.min === 'number' ? field.min : 0, field.step)) return 'step_mismatch';
  return undefined;
}

/**
 * Whether `value` is `base` plus a whole number of `step`s, within the rounding of binary
 * floating point (0.3 is on the steps of 0.1 though 0.3 / 0.1 is 2.9999999999999996).
 */
function onStep(value: number, base: number, step: number): boolean {
  const steps = (value - base) / step;
  return Math.abs(steps - Math.round(steps)) <= 1e-9 * Math.max(1, Math.abs(steps));
}

function dateIssue(field: FieldDefinition, value: FieldValue): RuleCode | undefined {
  if (typeof value !== 'string' || !isIsoDay(value)) return 'invalid_date';
  // Days written YYYY-MM-DD compare as text in the order of the calendar.
  if (typeof field.min === 'string' && value < field.min) return 'too_early';
  if (typeof field.max === 'string' && value > field.max) return 'too_late';
  return undefined;
}

/** Whether `value` is a day of the calendar written `YYYY-MM-DD` (no 2026-02-30). */
export function isIsoDay(value: string): boolean {
  const parts = ISO_DAY.exec(value);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An absolute http(s) address with a host: what a CRM's website field can link to. */
function isWebAddress(value: string): boolean {
  if (!/^https?:\/\/[^\s/?#]/i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const patternCache = new Map<string, RegExp>();
function wholeMatch(pattern: string): RegExp {
  let regexp = patternCache.get(pattern);
  if (!regexp) {
    regexp = new RegExp(`^(?:${pattern})$`, 'u');
    patternCache.set(pattern, regexp);
  }
  return regexp;
}

/** The placeholders a message of `field` needs: `{min}`, `{max}` and `{step}`, per its type. */
export function ruleParams(field: FieldDefinition): Record<string, string | number> {
  switch (field.type) {
    case 'number':
    case 'date': {
      const params: Record<string, string | number> = {};
      if (field.min !== undefined) params.min = field.min;
      if (field.max !== undefined) params.max = field.max;
      if (field.step !== undefined) params.step = field.step;
      return params;
    }
    case 'checkboxes':
      return { min: field.minSelected ?? 1, max: field.maxSelected ?? field.options?.length ?? 0 };
    default:
      return { min: field.minLength ?? 0, max: field.type === 'email' ? Math.min(maxLengthOf(field), MAX_EMAIL_LENGTH) : maxLengthOf(field) };
  }
}

/**
 * The value as the relay stores it: text trimmed (what the rules judged), everything else as
 * it came. Only for a value `fieldIssue` accepted.
 */
export function storedValue(field: FieldDefinition, value: FieldValue): FieldValue {
  if (typeof value !== 'string' || field.type === 'select' || field.type === 'radio' || field.type === 'country') return value;
  return value.trim();
}

export function asRuleCode(message: string | undefined): RuleCode | undefined {
  return (RULE_CODES as readonly string[]).includes(message ?? '') ? (message as RuleCode) : undefined;
}
