/**
 * A `url` field: a web address. "example.com" typed without its scheme becomes
 * "https://example.com" when the visitor leaves the field, as people type addresses that way.
 */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, labelled, type TextEvent, textOf } from './shared.tsx';

/** The address with `https://` before a bare host name ("example.com/about"); anything else as it is. */
export const withScheme = (text: string) => (/^[\w-]+(\.[\w-]+)+([/?#]\S*)?$/.test(text.trim()) ? `https://${text.trim()}` : text);

export function renderUrl(props: FieldProps) {
  const { field } = props;
  return labelled(
    props,
    <input
      {...controlProps(props)}
      type="url"
      inputMode="url"
      value={textOf(props)}
      onInput={(event: TextEvent) => props.onInput(event.currentTarget.value || undefined)}
      onBlur={() => {
        const text = textOf(props);
        if (withScheme(text) !== text) props.onInput(withScheme(text));
        props.onBlur();
      }}
      maxLength={field.maxLength}
      placeholder={localize(field.placeholder, props.locale)}
      autoComplete={field.autocomplete ?? 'url'}
    />,
  );
}
