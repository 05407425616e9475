/** A `radio` field: a group of radio buttons, one per option. */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from 'preact';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, group } from './shared.tsx';

export function renderRadio(props: FieldProps) {
  const { field, id } = props;
  return group(
    props,
    (field.options ?? []).map((option, index) => (
      <label class="choice">
        <input
          {...controlProps(props)}
          // biome-ignore lint/a11y/useValidAriaValues: undefined removes the aria-required the spread carries; the group says it instead
          aria-required={undefined}
          // The group's "required" for screen readers (the form is noValidate: no browser bubbles).
          required={field.required}
          type="radio"
          // The first button carries the field's id, so focusing the field focuses the group.
          id={index ? `${id}-${index}` : id}
          value={option.value}
          checked={props.value === option.value}
          onChange={() => props.onInput(option.value)}
        />
        {localize(option.label, props.locale) ?? option.value}
      </label>
    )),
  );
}
