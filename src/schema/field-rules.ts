/**
 * The rules of the field types few forms use (`checkboxes`, `number`, `date`), apart from
 * field.ts so the widget downloads them only with the renderers of those types: `fieldIssue` runs
 * them once given them (`useFieldRules(FIELD_RULES)`), which the relay's `submission.ts` does at
 * start and the widget's `loadEngine` does before it mounts a form using one of these types.
 */
// Types only: importing code of field.ts would make the bundler split form.js (rolldown issue 10731).
import type { FieldValue, TypeRule } from './field.ts';
import type { FieldDefinition } from './form.ts';
import type { RuleCode } from './form-keys.ts';

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function choicesIssue(field: FieldDefinition, value: FieldValue): RuleCode | undefined {
  if (!Array.isArray(value) || value.some((choice) => typeof choice !== 'string')) return 'invalid_type';
  const values = (field.options ?? []).map((option) => option.value);
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

/** Each type's rule, for `useFieldRules`. */
export const FIELD_RULES: Record<string, TypeRule> = {
  checkboxes: choicesIssue,
  number: numberIssue,
  date: dateIssue,
};
