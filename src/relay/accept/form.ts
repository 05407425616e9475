/** The first step: the submission must name a configured form. */
import type { FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { FormLookup, LiveForm } from '../forms/catalog.ts';

/** The form as it is served now, file or store (see forms/catalog.ts): the seam every reader of forms goes through. */
export function findLiveForm(forms: FormLookup, formId: string): Refusable<LiveForm> {
  const form = forms.get(formId);
  return form ? passed(form) : refused(unknownForm(formId));
}

export function findForm(forms: Readonly<Record<string, FormConfig>>, formId: string): Refusable<FormConfig> {
  const form = formOf(forms, formId);
  return form ? passed(form) : refused(unknownForm(formId));
}

/**
 * The form with this id, if the configuration declares one. Own keys only: an id such as
 * "constructor" or "__proto__" names something every object inherits, never a form.
 */
export function formOf(forms: Readonly<Record<string, FormConfig>>, formId: string): FormConfig | undefined {
  return Object.hasOwn(forms, formId) ? forms[formId] : undefined;
}

export function unknownForm(formId: string): RelayError {
  return new RelayError('unknown_form', 404, `There is no form "${formId.slice(0, 64)}"; check the form id in the embed snippet.`);
}
