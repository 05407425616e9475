/**
 * What a partial must be: the submission's own schema with every field optional (a visitor who
 * left has not filled the required ones), plus a valid email or phone number, the only reason to
 * keep a partial at all, and a ticked required consent box, since without it nothing may be kept.
 */
import type { FormDefinition } from '../../schema/form.ts';
import type { SubmissionIssue } from '../../schema/submission.ts';
import { shownFields } from '../../schema/conditions.ts';
import type { FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { ReadSubmission } from '../accept/phone.ts';

/** The same forms as the configuration's, each field optional; built once per form object. */
const relaxedForms = new WeakMap<FormConfig, Readonly<Record<string, FormConfig>>>();

/**
 * The configuration's forms with `formId`'s fields all optional, as `validBody` takes them: the
 * schema it builds is cached by that object, so it is built once per form.
 */
export function relaxedFormsOf(formId: string, form: FormConfig): Readonly<Record<string, FormConfig>> {
  let relaxed = relaxedForms.get(form);
  if (!relaxed) {
    relaxed = { [formId]: { ...form, fields: form.fields.map((field) => ({ ...field, required: false })) } };
    relaxedForms.set(form, relaxed);
  }
  return relaxed;
}

/** 422 when the partial has no valid email or phone, or a required consent box is not ticked. */
export function partialProblems(form: FormConfig, formId: string, submission: ReadSubmission): Refusable<void> {
  const shown = shownFields({ id: formId, ...form } as FormDefinition, submission.fields);
  const issues: SubmissionIssue[] = [];
  for (const field of form.fields) {
    if (field.type === 'consent' && field.required && shown.has(field.name) && submission.fields[field.name] !== true) {
      issues.push({ path: ['fields', field.name], code: 'required', message: 'A partial is kept only once the consent box is ticked.' });
    }
  }
  const contacts = form.fields.filter((field) => (field.type === 'email' || field.type === 'tel') && shown.has(field.name));
  const reachable = contacts.some((field) =>
    field.type === 'email' ? typeof submission.fields[field.name] === 'string' : submission.phones?.[field.name]?.valid === true,
  );
  if (!reachable) {
    const names = contacts.map((field) => `fields.${field.name}`).join(' or ') || 'an email or tel field';
    issues.push({ path: ['fields'], code: 'contact_required', message: `A partial needs a valid email or phone number in ${names}.` });
  }
  if (issues.length === 0) return passed(undefined);
  return refused(new RelayError('validation_failed', 422, `The partial cannot be kept: ${issues.map((issue) => issue.message).join(' ')}`, { issues }));
}
