/**
 * The schema of one field's value: the rules a visitor's input must follow. The widget checks
 * each field with it as the visitor types, and `submission.ts` builds the relay's whole-body
 * schema from the same functions, so both sides agree on every rule. This file imports nothing
 * from zod beyond what one value needs, because the widget bundles it.
 */
import * as z from 'zod/mini';
import type { FieldDefinition } from './form.ts';
import { maxLengthOf, RULE_CODES, type RuleCode } from './form-keys.ts';

// Pragmatic on purpose: the CRM is the judge of deliverability; this catches typos like "a@b".
const EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:.]{2,}$/u;
const TEL = /^\+?[\d\s().\-/]{5,32}$/;
const MAX_EMAIL_LENGTH = 254;

export type FieldValue = string | boolean;

const missingOrWrongType = (code: RuleCode) => (issue: { input?: unknown }) => (issue.input === undefined || issue.input === null ? 'required' : code);

/** The first rule a trimmed text value breaks, if any. */
function textRuleBroken(field: FieldDefinition, value: string): RuleCode | undefined {
  if (value === '') return field.required ? 'required' : undefined;
  if (field.minLength !== undefined && value.length < field.minLength) return 'too_short';
  const max = field.type === 'email' ? Math.min(maxLengthOf(field), MAX_EMAIL_LENGTH) : maxLengthOf(field);
  if (value.length > max) return 'too_long';
  if (field.type === 'email' && !EMAIL.test(value)) return 'invalid_email';
  if (field.type === 'tel' && (!TEL.test(value) || value.replace(/\D/g, '').length < 5)) return 'invalid_tel';
  if (field.pattern !== undefined && !wholeMatch(field.pattern).test(value)) return 'pattern';
  return undefined;
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

/** The zod schema of one field's value. */
export function fieldSchema(field: FieldDefinition): z.ZodMiniType<FieldValue | undefined> {
  switch (field.type) {
    case 'checkbox':
    case 'consent': {
      const box = z.boolean({ error: missingOrWrongType('invalid_type') });
      if (!field.required) return z.optional(box);
      // A refinement rather than z.literal(true): the same rule, and z.literal costs the widget 0.2 KB.
      return box.check(
        z.superRefine((ticked, ctx) => {
          if (!ticked) ctx.addIssue({ code: 'custom', message: 'required', input: ticked });
        }),
      );
    }
    case 'select':
    case 'radio': {
      const values = (field.options ?? []).map((option) => option.value);
      const choice = z.string({ error: missingOrWrongType('invalid_option') }).check(
        z.superRefine((value, ctx) => {
          if (value === '' ? field.required : !values.includes(value)) {
            ctx.addIssue({ code: 'custom', message: value === '' ? 'required' : 'invalid_option', input: value });
          }
        }),
      );
      return field.required ? choice : z.optional(choice);
    }
    default: {
      const text = z.string({ error: missingOrWrongType('invalid_type') }).check(
        z.trim(),
        z.superRefine((value, ctx) => {
          const code = textRuleBroken(field, value);
          if (code) ctx.addIssue({ code: 'custom', message: code, input: value });
        }),
      );
      return field.required ? text : z.optional(text);
    }
  }
}

const fieldSchemas = new WeakMap<FieldDefinition, z.ZodMiniType<FieldValue | undefined>>();

/** The code of the first rule `value` breaks for `field`, or undefined when it is valid. */
export function fieldIssue(field: FieldDefinition, value: FieldValue | undefined): RuleCode | undefined {
  let schema = fieldSchemas.get(field);
  if (!schema) fieldSchemas.set(field, (schema = fieldSchema(field)));
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  return asRuleCode(result.error.issues[0]?.message) ?? 'invalid_type';
}

export function asRuleCode(message: string | undefined): RuleCode | undefined {
  return (RULE_CODES as readonly string[]).includes(message ?? '') ? (message as RuleCode) : undefined;
}
