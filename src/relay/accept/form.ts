/** The first step: the submission must name a configured form. */
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { FormLookup, LiveForm } from '../forms/catalog.ts';

/** The form as it is served now, file or store (see forms/catalog.ts): the seam every reader of forms goes through. */
export function findLiveForm(forms: FormLookup, formId: string): Refusable<LiveForm> {
  const form = forms.get(formId);
  return form ? passed(form) : refused(unknownForm(formId));
}

export function unknownForm(formId: string): RelayError {
  return new RelayError('unknown_form', 404, `There is no form "${formId.slice(0, 64)}"; check the form id in the embed snippet.`);
}
