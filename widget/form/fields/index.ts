/**
 * One renderer per field type. The types every form may use are here; a type whose renderer is
 * large (a phone field's country choice) lives in a chunk that registers it
 * (`registerRenderer`) before a form that uses it mounts, so other forms never download it.
 */
import type { FieldDefinition } from '../../../src/schema/form.ts';
import { renderCheckbox } from './checkbox.tsx';
import { renderCheckboxes } from './checkboxes.tsx';
import { renderCountry } from './country.tsx';
import { renderDate } from './date.tsx';
import { renderInput } from './input.tsx';
import { renderNumber } from './number.tsx';
import { renderRadio } from './radio.tsx';
import { renderSelect } from './select.tsx';
import type { Renderer } from './shared.tsx';
import { renderTextarea } from './textarea.tsx';
import { renderUrl } from './url.tsx';

const renderers: Record<string, Renderer> = {
  text: renderInput,
  email: renderInput,
  tel: renderInput,
  textarea: renderTextarea,
  select: renderSelect,
  radio: renderRadio,
  checkbox: renderCheckbox,
  consent: renderCheckbox,
  checkboxes: renderCheckboxes,
  number: renderNumber,
  date: renderDate,
  url: renderUrl,
  country: renderCountry,
  // A hidden field rides along in the submission and renders nothing.
  hidden: () => null,
};

/** Makes `render` the renderer of `kind` (a field type, or `phone` for a `tel` field with `phone`). */
export function registerRenderer(kind: string, render: Renderer): void {
  renderers[kind] = render;
}

/** The renderer of a field: by its kind, else a one-line text input. */
export function rendererFor(field: FieldDefinition): Renderer {
  return renderers[kindOf(field)] ?? renderInput;
}

export const kindOf = (field: FieldDefinition): string => (field.type === 'tel' && field.phone ? 'phone' : field.type);
