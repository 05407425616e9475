/** A `date` field: the browser's date picker, bounded by `min` and `max`; its value is "YYYY-MM-DD". */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { controlProps, type FieldProps, labelled, type TextEvent, textOf } from './shared.tsx';

const day = (bound: unknown) => (typeof bound === 'string' ? bound : undefined);

export function renderDate(props: FieldProps) {
  const { field } = props;
  return labelled(
    props,
    <input
      {...controlProps(props)}
      type="date"
      min={day(field.min)}
      max={day(field.max)}
      value={textOf(props)}
      onInput={(event: TextEvent) => props.onInput(event.currentTarget.value || undefined)}
      autoComplete={field.autocomplete}
    />,
  );
}
