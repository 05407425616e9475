/**
 * A `checkboxes` field: several choices of its `options`, a box each, under a legend. Its value
 * lists the ticked options in the options' order; none ticked is no value.
 */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from 'preact';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, group } from './shared.tsx';

export function renderCheckboxes(props: FieldProps) {
  const { field, id } = props;
  const options = (field.options ?? []).map((option) => option.value);
  const chosen = Array.isArray(props.value) ? props.value : [];
  const toggle = (value: string, on: boolean) => {
    const next = options.filter((option) => (option === value ? on : chosen.includes(option)));
    props.onInput(next.length ? next : undefined);
  };
  return group(
    props,
    (field.options ?? []).map((option, index) => (
      <label class="choice">
        <input
          {...controlProps(props)}
          // biome-ignore lint/a11y/useValidAriaValues: undefined removes the aria-required the spread carries; the legend's mark says it
          aria-required={undefined}
          type="checkbox"
          id={index ? `${id}-${index}` : id}
          value={option.value}
          checked={chosen.includes(option.value)}
          onChange={(event: { currentTarget: HTMLInputElement }) => toggle(option.value, event.currentTarget.checked)}
        />
        {localize(option.label, props.locale) ?? option.value}
      </label>
    )),
  );
}
