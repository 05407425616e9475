/**
 * What every field renderer shares: the props a renderer gets, the label with its required
 * mark, the aria attributes tying a control to its hint and error, and the hint and error lines.
 * Renderers are plain functions of their props (no hooks, no component state): the state model
 * holds everything, so a renderer's output depends on its props alone and tests need no browser.
 */
/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
import type { JSX } from 'preact';
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h and Fragment
import { Fragment, h, type VNode } from '../dom.ts';
import type { FieldValue } from '../../../src/schema/field.ts';
import type { FieldDefinition } from '../../../src/schema/form.ts';
import type { Catalogue } from '../../../src/schema/messages.ts';
import { localize } from '../../../src/schema/wording.ts';
import type { FormModel } from '../state.ts';

export interface FieldProps {
  field: FieldDefinition;
  /** The control's element id; the hint's and the error's derive from it. */
  id: string;
  value: FieldValue | undefined;
  /** What the visitor typed, where the value is parsed from it (a number field). */
  text: string | undefined;
  /** The worded message of the rule the value breaks, once it shows. */
  error: string | undefined;
  locale: string;
  t: Catalogue;
  /** The form's state, for renderers that keep more than a value (a phone field's country). */
  model: FormModel;
  /** The visitor changed the value; undefined clears it. */
  onInput(value: FieldValue | undefined, text?: string): void;
  onBlur(): void;
}

export type Renderer = (props: FieldProps) => VNode | null;

export const labelOf = (props: FieldProps) => localize(props.field.label, props.locale) ?? props.field.name;

/** The label text and, for a required field, its mark (screen readers hear aria-required instead). */
export const labelText = (props: FieldProps) => (
  <>
    {labelOf(props)}
    {props.field.required ? (
      <span class="req" aria-hidden="true">
        {' '}
        *
      </span>
    ) : null}
  </>
);

/** The attributes of a control: its id and name, and the aria tying it to its hint and error. */
export function controlProps(props: FieldProps) {
  const { id, field, error } = props;
  const described = [localize(field.hint, props.locale) && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return {
    id,
    name: field.name,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': described || undefined,
    'aria-required': field.required ? ('true' as const) : undefined,
    onBlur: props.onBlur,
  };
}

/** The hint and the error under a control. */
export function notes(props: FieldProps) {
  const hint = localize(props.field.hint, props.locale);
  return (
    <>
      {hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {hint}
        </p>
      )}
      {props.error && (
        <p class="error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </>
  );
}

/** A control with its label above and its notes below. */
export function labelled(props: FieldProps, control: VNode) {
  return (
    <div class="field">
      <label for={props.id}>{labelText(props)}</label>
      {control}
      {notes(props)}
    </div>
  );
}

/**
 * What a native control that can be `required` (a select, a single checkbox) adds to its
 * `controlProps`: `required`, so the accessibility tree says so (aria-required alone does not
 * reach it for these), and `aria-invalid` always set, since a required control left empty is
 * natively invalid and would otherwise read "invalid" before the visitor has done anything.
 */
export const requiredProps = (props: FieldProps) => ({
  required: !!props.field.required,
  'aria-invalid': props.error ? ('true' as const) : ('false' as const),
});

/**
 * A group of choices under a legend, one `type` input per option: radio buttons or checkboxes.
 * The first carries the field's id, so focusing the field focuses the group. A radio group is a
 * `radiogroup` that carries required, invalid and the notes itself; `required` on the radios
 * would make them natively invalid, read as such before any interaction. On a checkbox
 * `required` would mean that one box, so the legend's mark says it there.
 */
export function choiceGroup(props: FieldProps, type: 'radio' | 'checkbox', checked: (value: string) => boolean, change: (value: string, on: boolean) => void) {
  const { field, id } = props;
  const { 'aria-invalid': invalid, 'aria-describedby': described, 'aria-required': required, ...control } = controlProps(props);
  const aria = { 'aria-invalid': invalid, 'aria-describedby': described };
  const radio = type === 'radio';
  return (
    <fieldset class="field" {...(radio && { role: 'radiogroup', 'aria-required': required, ...aria })}>
      <legend>{labelText(props)}</legend>
      {(field.options ?? []).map((option, index) => (
        <label class="choice">
          <input
            {...control}
            {...(!radio && aria)}
            type={type}
            id={index ? `${id}-${index}` : id}
            value={option.value}
            checked={checked(option.value)}
            onChange={(event: { currentTarget: HTMLInputElement }) => change(option.value, event.currentTarget.checked)}
          />
          {localize(option.label, props.locale) ?? option.value}
        </label>
      ))}
      {notes(props)}
    </fieldset>
  );
}

/** A text value, or '' for none; what a text control shows. */
export const textOf = (props: FieldProps) => props.text ?? (typeof props.value === 'string' || typeof props.value === 'number' ? String(props.value) : '');

export type TextEvent = JSX.TargetedEvent<HTMLElement & { value: string }>;
