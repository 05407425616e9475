/**
 * The form vocabulary with no zod in it: field types, rule codes and length defaults. The widget
 * bundles this file (every byte counts there); `form.ts` builds the definition schema from it.
 */
import type { FieldDefinition } from './form.ts';

export const FIELD_TYPES = [
  'text',
  'email',
  'tel',
  'textarea',
  'select',
  'radio',
  'checkbox',
  'consent',
  'hidden',
  'checkboxes',
  'number',
  'date',
  'url',
  'country',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Codes of the rules a field value can break; the widget and the relay word them per locale. */
export const RULE_CODES = [
  'required',
  'invalid_email',
  'invalid_tel',
  'too_short',
  'too_long',
  'pattern',
  'invalid_option',
  'invalid_type',
  'invalid_number',
  'too_small',
  'too_large',
  'step_mismatch',
  'invalid_date',
  'too_early',
  'too_late',
  'invalid_url',
  'invalid_country',
  'too_few',
  'too_many',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** A field's effective maximum length, so the widget, the relay and storage agree. */
export function maxLengthOf(field: Pick<FieldDefinition, 'type' | 'maxLength'>): number {
  return field.maxLength ?? (field.type === 'textarea' ? 5000 : field.type === 'url' ? 2048 : 200);
}
