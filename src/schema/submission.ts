/**
 * The submission schema, built from a form definition. The widget checks each field with it as
 * the visitor types; the relay checks the whole body with it before storing anything. Both sides
 * therefore agree on every rule, and a rule's code (never its wording) is what crosses the wire.
 */
import * as z from 'zod/mini';
import { Attribution } from './attribution.ts';
import { asRuleCode, type FieldValue, fieldSchema } from './field.ts';
import type { FormDefinition } from './form.ts';
import { EN_MESSAGES, ruleMessage } from './messages.ts';

export { fieldIssue, fieldSchema, type FieldValue } from './field.ts';

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

export type SubmissionResult = { ok: true; submission: Submission } | { ok: false; issues: SubmissionIssue[] };

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
