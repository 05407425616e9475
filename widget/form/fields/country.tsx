/**
 * A `country` field: a select of countries, named in the visitor's language by
 * `Intl.DisplayNames` and sorted in its order; `options` narrow the list. Its value is the
 * ISO 3166-1 alpha-2 code.
 */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from '../dom.ts';
import { COUNTRY_CODES } from '../../../src/schema/countries.ts';
import { localize } from '../../../src/schema/wording.ts';
import { controlProps, type FieldProps, labelled, type TextEvent, textOf } from './shared.tsx';

const named = new Map<string, Map<string, string>>();

/** Every country's name in `locale`, by code, in the alphabetical order of that language. */
export function countryNames(locale: string): Map<string, string> {
  let names = named.get(locale);
  if (!names) {
    let display: Intl.DisplayNames | undefined;
    try {
      display = new Intl.DisplayNames([locale, 'en'], { type: 'region' });
    } catch {
      // A browser without Intl.DisplayNames shows the codes.
    }
    const pairs = COUNTRY_CODES.map((code) => [code, display?.of(code) ?? code] as [string, string]);
    pairs.sort((a, b) => a[1].localeCompare(b[1], locale));
    named.set(locale, (names = new Map(pairs)));
  }
  return names;
}

export function renderCountry(props: FieldProps) {
  const { field, locale } = props;
  const names = countryNames(locale);
  const offered = field.options
    ? field.options.map((option) => [option.value, localize(option.label, locale) ?? names.get(option.value) ?? option.value])
    : [...names];
  return labelled(
    { ...props, field: { ...field, label: field.label ?? props.t.country } },
    <select
      {...controlProps(props)}
      value={textOf(props)}
      onChange={(event: TextEvent) => props.onInput(event.currentTarget.value || undefined)}
      autoComplete={field.autocomplete ?? 'country'}
    >
      <option value="">{localize(field.placeholder, locale) ?? '—'}</option>
      {offered.map(([code, name]) => (
        <option value={code}>{name}</option>
      ))}
    </select>,
  );
}
