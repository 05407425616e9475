/**
 * One renderer per field type. The types every form may use are here; a type whose renderer is
 * large (a phone field's country choice) lives in a chunk that registers it
 * (`registerRenderer`) before a form that uses it mounts, so other forms never download it; so
 * do the types few forms use (`CHUNKED_TYPES`, in `rare.ts`).
 */
import type { FieldValue } from '../../../src/schema/field.ts';
import type { FieldDefinition } from '../../../src/schema/form.ts';
import { renderCheckbox } from './checkbox.tsx';
import { renderInput } from './input.tsx';
import { renderRadio } from './radio.tsx';
import { renderSelect } from './select.tsx';
import type { Renderer } from './shared.tsx';
import { renderTextarea } from './textarea.tsx';

const renderers: Record<string, Renderer> = {
  text: renderInput,
  email: renderInput,
  tel: renderInput,
  textarea: renderTextarea,
  select: renderSelect,
  radio: renderRadio,
  checkbox: renderCheckbox,
  consent: renderCheckbox,
  // A hidden field rides along in the submission and renders nothing.
  hidden: () => null,
};

/** Field types whose renderer is in the `rare.ts` chunk, which a form using one downloads before it mounts. */
export const CHUNKED_TYPES: ReadonlySet<string> = new Set(['checkboxes', 'number', 'date', 'url', 'country']);

/**
 * How a field type reads a value written as text (a URL parameter), for types whose renderer is in
 * a chunk: registered with it (`rare.ts`), so the form has it before it mounts a form using one.
 */
export const textParsers: Record<string, (text: string, locale: string) => FieldValue | undefined> = {};

/** Makes `render` the renderer of `kind` (a field type, or `phone` for a `tel` field with `phone`). */
export function registerRenderer(kind: string, render: Renderer): void {
  renderers[kind] = render;
}

/** The renderer of a field: by its kind, else a one-line text input. */
export function rendererFor(field: FieldDefinition): Renderer {
  return renderers[kindOf(field)] ?? renderInput;
}

export const kindOf = (field: FieldDefinition): string => (field.type === 'tel' && field.phone ? 'phone' : field.type);
