/**
 * The rules one field's value must follow, with no zod in them: the widget checks each field with
 * `fieldIssue` as the visitor types and bundles this file, and `submission.ts` wraps the same
 * function in the relay's whole-body schema, so both sides agree on every rule.
 */
import type { FieldDefinition } from './form.ts';
import { maxLengthOf, type RuleCode } from './form-keys.ts';

// Pragmatic on purpose: the CRM is the judge of deliverability; this catches typos like "a@b".
const EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:.]{2,}$/u;
// Loose on purpose: the relay reads the number itself (libphonenumber-js); this catches "n/a".
const TEL = /^\+?[\d\s().\-/]{5,32}$/;
const MAX_EMAIL_LENGTH = 254;

/**
 * Whether a code is a country's: set to `countries.ts`'s `isCountryCode` by the relay's
 * `submission.ts` and by the widget's chunk of `country` fields (`registerRareRenderers`), so the
 * list of codes ships with those and not with every form. Until then no code is a country (a
 * country field refuses, never accepts).
 */
let isCountryCode: (code: string) => boolean = () => false;

/** The rule of each type whose rule is not in this file: `checkboxes`, `number`, `date` (field-rules.ts). */
export type TypeRule = (field: FieldDefinition, value: FieldValue) => RuleCode | undefined;
const typeRules: Partial<Record<string, TypeRule>> = {};

/**
 * Gives `fieldIssue` the rules of the types few forms use (`FIELD_RULES` of field-rules.ts): the
 * relay's `submission.ts` at once, the widget with the chunk of those types' renderers, so every
 * other form downloads none of them.
 */
export function useFieldRules(rules: Record<string, TypeRule>): void {
  Object.assign(typeRules, rules);
}

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
    case 'number':
    case 'date': {
      // The rules of the types few forms use (field-rules.ts); until they are given, nothing passes.
      const rule = typeRules[field.type];
      return rule ? rule(field, value) : 'invalid_type';
    }
    case 'url':
      if (typeof value !== 'string') return 'invalid_url';
      return textIssue(field, value.trim()) ?? (isWebAddress(value.trim()) ? undefined : 'invalid_url');
    case 'country':
      return typeof value === 'string' && isCountryCode(value) && (!field.options || optionValues(field).includes(value)) ? undefined : 'invalid_country';
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
