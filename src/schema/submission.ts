/**
 * The submission schema, built from a form definition: the relay checks the whole body with it
 * before storing anything. Each field's rules are `fieldIssue`'s, the same function the widget
 * checks with as the visitor types, and what is shown is `shownFields`', the same evaluator the
 * widget shows and hides with; so both sides agree, and a rule's code (never its wording) is what
 * crosses the wire.
 */
import * as z from 'zod/mini';
import { Attribution } from './attribution.ts';
import { shownFields } from './conditions.ts';
import { isCountryCode } from './countries.ts';
import { asRuleCode, type FieldValue, fieldIssue, storedValue, useCountryCodes, useFieldRules } from './field.ts';
import { FIELD_RULES } from './field-rules.ts';
import type { FormDefinition } from './form.ts';
import { EN_MESSAGES, ruleMessage } from './messages.ts';

export { fieldIssue, type FieldValue, ruleParams } from './field.ts';

// The relay's fieldIssue has every rule; the widget's gets these with the chunks of the types that need them.
useCountryCodes(isCountryCode);
useFieldRules(FIELD_RULES);

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
  /**
   * The country the visitor chose for each phone field, by field name (`{"phone": "DE"}`); the
   * relay reads a number without a `+` dial code as that country's.
   */
  /**
   * The version of the form the page loaded (its definition's `version`), so a submission from a
   * page loaded before a publish is checked against the fields it showed. Absent: the current one.
   */
  formVersion: z.optional(z.int().check(z.minimum(1))),
  phoneCountries: z.optional(z.record(z.string().check(z.maxLength(64)), z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code, e.g. "DE"')))),
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

const schemas = new WeakMap<FormDefinition, z.ZodMiniType<Submission>>();

/**
 * The zod schema of a whole submission body for `form`, built once per form definition. Its
 * fields are those the form shows for the values sent: a field not shown is never required, and
 * its value is dropped, as are keys the form does not have and optional fields left empty, so a
 * CRM never receives blank or hidden values.
 */
export function submissionSchema(form: FormDefinition): z.ZodMiniType<Submission> {
  let schema = schemas.get(form);
  if (!schema) {
    const body = z.object({
      fields: z.record(z.string(), z.unknown()),
      attribution: z.optional(Attribution),
      meta: z.optional(SubmissionMeta),
    });
    schema = z.pipe(
      body.check(
        z.superRefine((value, ctx) => {
          const values = value.fields as Record<string, FieldValue | undefined>;
          const shown = shownFields(form, values);
          for (const field of form.fields) {
            if (!shown.has(field.name)) continue;
            const code = fieldIssue(field, values[field.name]);
            if (code) ctx.addIssue({ code: 'custom', message: code, path: ['fields', field.name], input: values[field.name] });
          }
        }),
      ),
      z.transform((value): Submission => {
        const values = value.fields as Record<string, FieldValue | undefined>;
        const shown = shownFields(form, values);
        const fields: Record<string, FieldValue> = {};
        for (const field of form.fields) {
          const sent = values[field.name];
          if (!shown.has(field.name) || sent === undefined || sent === null) continue;
          const stored = storedValue(field, sent);
          if (stored !== '' && !(Array.isArray(stored) && stored.length === 0)) fields[field.name] = stored;
        }
        const submission: Submission = { fields };
        if (value.attribution !== undefined) submission.attribution = value.attribution;
        if (value.meta !== undefined) submission.meta = value.meta;
        return submission;
      }),
    );
    schemas.set(form, schema);
  }
  return schema;
}

/**
 * Validates a submission body against its form. On success, only the fields the form shows for
 * these values remain, and optional ones left empty are dropped.
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
  return { ok: true, submission: result.data };
}
