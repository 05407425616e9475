/** One-line text fields: `text`, `email` and `tel` (a `tel` with `phone` gets the phone chunk's renderer). */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, labelled, type TextEvent, textOf } from './shared.tsx';

export function renderInput(props: FieldProps) {
  const { field } = props;
  const type = field.type === 'email' || field.type === 'tel' ? field.type : 'text';
  return labelled(
    props,
    <input
      {...controlProps(props)}
      type={type}
      value={textOf(props)}
      onInput={(event: TextEvent) => props.onInput(event.currentTarget.value)}
      maxLength={field.maxLength}
      placeholder={localize(field.placeholder, props.locale)}
      autoComplete={field.autocomplete ?? (type === 'text' ? undefined : type)}
    />,
  );
}
