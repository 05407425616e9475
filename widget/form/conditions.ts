/**
 * Which steps and fields a form shows, from the one evaluator the relay uses too
 * (src/schema/conditions.ts), so what the visitor sees is what the relay requires. Part of the
 * steps chunk, which only forms with `steps` or a `when` download.
 */
import { shownFields, shownSteps } from '../../src/schema/conditions.ts';
import type { FormDefinition } from '../../src/schema/form.ts';
import type { Visibility } from './state.ts';

export function conditionalVisibility(definition: FormDefinition): Visibility {
  return {
    steps: (values) => {
      const steps = shownSteps(definition, values);
      // Conditions that hide every field still leave a form to send (its hidden fields).
      return steps.length ? steps : [{ id: definition.id, fields: [] }];
    },
    fields: (values) => shownFields(definition, values),
  };
}
