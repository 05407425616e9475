/**
 * A `number` field. A text input with a decimal keypad rather than `type=number`, whose browser
 * value is empty for anything it cannot read, so the visitor could be told nothing useful; the
 * value is a JSON number once the text reads as one, else the text itself, which the rules
 * call `invalid_number`.
 */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, labelled, type TextEvent, textOf } from './shared.tsx';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * The number a visitor's text says, read as people write them in `locale`: "1,500.5" in English,
 * "1.500,5" in German, spaces as group separators in either.
 */
export function parseNumber(text: string, locale: string): number | string | undefined {
  const decimalComma = new Intl.NumberFormat(locale).format(1.5).includes(',');
  const compact = text.replace(decimalComma ? /[\s.]/g : /[\s,]/g, '');
  if (compact === '') return undefined;
  const dotted = decimalComma ? compact.replace(',', '.') : compact;
  return NUMBER.test(dotted) ? Number(dotted) : text;
}

export function renderNumber(props: FieldProps) {
  const { field } = props;
  return labelled(
    props,
    <input
      {...controlProps(props)}
      type="text"
      inputMode="decimal"
      value={textOf(props)}
      onInput={(event: TextEvent) => props.onInput(parseNumber(event.currentTarget.value, props.locale), event.currentTarget.value)}
      placeholder={localize(field.placeholder, props.locale)}
      autoComplete={field.autocomplete ?? 'off'}
    />,
  );
}
