/** The submission checked against its form's fields with the schema the widget validates with too. */
import type { FormDefinition } from '../../schema/form.ts';
import { type Submission, validateSubmission } from '../../schema/submission.ts';
import type { FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';

/**
 * One definition object per configured form, built once per configuration: `validateSubmission`
 * caches the schema it builds by that object.
 */
const definitionsByForms = new WeakMap<Readonly<Record<string, FormConfig>>, Map<string, FormDefinition>>();

function definitions(forms: Readonly<Record<string, FormConfig>>): Map<string, FormDefinition> {
  let found = definitionsByForms.get(forms);
  if (!found) definitionsByForms.set(forms, (found = new Map(Object.entries(forms).map(([id, form]) => [id, { id, ...form }]))));
  return found;
}

/** @param forms the configuration's forms, of which `formId` is one */
export function validBody(forms: Readonly<Record<string, FormConfig>>, formId: string, body: unknown): Refusable<Submission> {
  return validSubmission(definitions(forms).get(formId)!, body);
}

/** @param definition one object per form version (`LiveForm.definition`): the schema is cached by it */
export function validSubmission(definition: FormDefinition, body: unknown): Refusable<Submission> {
  const result = validateSubmission(definition, body);
  if (result.ok) return passed(result.submission);
  return refused(
    new RelayError('validation_failed', 422, `The submission has ${result.issues.length} invalid value(s); see issues.`, { issues: result.issues }),
  );
}
