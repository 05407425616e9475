/** The submission checked against its form's fields with the rules the widget validates with too. */
import type { FormDefinition } from '../../schema/form.ts';
import { type Submission, validateSubmission } from '../../schema/submission.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';

/** @param definition the form version the submission is checked against (`LiveForm.definition`) */
export function validSubmission(definition: FormDefinition, body: unknown): Refusable<Submission> {
  const result = validateSubmission(definition, body);
  if (result.ok) return passed(result.submission);
  return refused(
    new RelayError('validation_failed', 422, `The submission has ${result.issues.length} invalid value(s); see issues.`, { issues: result.issues }),
  );
}
