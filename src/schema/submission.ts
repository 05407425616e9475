/**
 * The submission schema, built from a form definition. The widget checks each field with it as
 * the visitor types; the relay checks the whole body with it before storing anything. Both sides
 * therefore agree on every rule, and a rule's code (never its wording) is what crosses the wire.
 */
import * as z from 'zod/mini';
import { Attribution } from './attribution.ts';
import { type FieldDefinition, type FormDefinition, RULE_CODES, type RuleCode, maxLengthOf } from './form.ts';
import { EN_MESSAGES, ruleMessage } from './messages.ts';

// Pragmatic on purpose: the CRM is the judge of deliverability; this catches typos like "a@b".
const EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:.]{2,}$/u;
const TEL = /^\+?[\d\s().\-/]{5,32}$/;
const MAX_EMAIL_LENGTH = 254;

export type FieldValue = string | boolean;

export const SubmissionMeta = z.object({
  /** Milliseconds the visitor spent between the form's first render and submit. */
  fillMs: z.optional(z.int().check(z.minimum(0))),
  /** The honeypot: a field people never see, so any value means a bot. */
  hp: z.optional(z.string().check(z.maxLength(1000))),
  locale: z.optional(z.string().check(z.maxLength(35))),
  /** The page the form was submitted from. */
  page: z.optional(z.string().check(z.maxLength(2048))),
  /** A Cloudflare Turnstile token, when the form asks for one. */
  turnstile: z.optional(z.string().check(z.maxLength(4096))),
});
export type SubmissionMeta = z.infer<typeof SubmissionMeta>;

export interface Submission {
  fields: Record<string, FieldValue>;
  attribution?: Attribution | undefined;
  meta?: SubmissionMeta | undefined;
}

/** One broken rule, in the shape of a zod issue: `path` leads to the value, `code` names the rule. */
export interface SubmissionIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

export type SubmissionResult =
  | { ok: true; submission: Submission }
  | { ok: false; issues: SubmissionIssue[] };

const missingOrWrongType = (code: RuleCode) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null ? 'required' : code;

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
      return field.required ? z.literal(true, { error: () => 'required' }) : z.optional(box);
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

const schemas = new WeakMap<FormDefinition, z.ZodMiniType>();

/** The zod schema of a whole submission body for `form`, built once per form definition. */
export function submissionSchema(form: FormDefinition): z.ZodMiniType {
  let schema = schemas.get(form);
  if (!schema) {
    const fields = Object.fromEntries(form.fields.map((field) => [field.name, fieldSchema(field)]));
    schema = z.object({
      fields: z.object(fields),
      attribution: z.optional(Attribution),
      meta: z.optional(SubmissionMeta),
    });
    schemas.set(form, schema);
  }
  return schema;
}

/** The code of the first rule `value` breaks for `field`, or undefined when it is valid. */
export function fieldIssue(field: FieldDefinition, value: FieldValue | undefined): RuleCode | undefined {
  const result = fieldSchema(field).safeParse(value);
  if (result.success) return undefined;
  return asRuleCode(result.error.issues[0]?.message) ?? 'invalid_type';
}

function asRuleCode(message: string | undefined): RuleCode | undefined {
  return (RULE_CODES as readonly string[]).includes(message ?? '') ? (message as RuleCode) : undefined;
}

/**
 * Validates a submission body against its form. On success, optional fields left empty are
 * dropped, so a CRM never receives blank values.
 */
export function validateSubmission(form: FormDefinition, body: unknown): SubmissionResult {
  const result = submissionSchema(form).safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.map((issue): SubmissionIssue => {
      const code = asRuleCode(issue.message);
      const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
      const field = path[0] === 'fields' ? form.fields.find((f) => f.name === path[1]) : undefined;
      if (code && field) return { path, code, message: ruleMessage(field, code, EN_MESSAGES, 'en') };
      return { path, code: code ?? issue.code, message: code ? EN_MESSAGES[code] : issue.message };
    });
    return { ok: false, issues };
  }
  const submission = result.data as Submission;
  for (const [name, value] of Object.entries(submission.fields)) {
    if (value === '' || value === undefined) delete submission.fields[name];
  }
  return { ok: true, submission };
}
