/** A `textarea` field. */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, labelled, type TextEvent, textOf } from './shared.tsx';

export function renderTextarea(props: FieldProps) {
  return labelled(
    props,
    <textarea
      {...controlProps(props)}
      value={textOf(props)}
      onInput={(event: TextEvent) => props.onInput(event.currentTarget.value)}
      maxLength={props.field.maxLength}
      placeholder={localize(props.field.placeholder, props.locale)}
    />,
  );
}
