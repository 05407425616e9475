/** A `select` field: one choice of its `options`, an empty first entry meaning none. */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, requiredProps, labelled, type TextEvent, textOf } from './shared.tsx';

export function renderSelect(props: FieldProps) {
  const { field, locale } = props;
  return labelled(
    props,
    <select {...controlProps(props)} {...requiredProps(props)} value={textOf(props)} onChange={(event: TextEvent) => props.onInput(event.currentTarget.value)}>
      <option value="">{localize(field.placeholder, locale) ?? '—'}</option>
      {field.options?.map((option) => (
        <option value={option.value}>{localize(option.label, locale) ?? option.value}</option>
      ))}
    </select>,
  );
}
