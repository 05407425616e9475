/**
 * The phone chunk, for `tel` fields with `phone`: a country choice beside the number, with no
 * flags (a dial code and a name), searchable by name, code and dial code, worked by keyboard as an
 * ARIA combobox (arrows, Enter, Escape), names from `Intl.DisplayNames` in the form's language.
 * It starts at `phone.defaultCountry`, else the region of the visitor's language. The number is
 * grouped lightly as it is typed; the relay reads it with the full metadata and sends the CRM
 * E.164. The chosen country travels in `meta.phoneCountries`.
 */
/** @jsxRuntime classic */
/** @jsx h */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { h } from './dom.ts';
import { localize } from '../../src/schema/wording.ts';
import { countryNames } from './fields/rare.ts';
import { controlProps, type FieldProps, labelText, notes, type TextEvent, textOf } from './fields/shared.tsx';
import { countryOfDial, DIAL_CODES, groupDigits, regionOf } from './phone-countries.ts';

/** The country choice beside the number, and its list of countries under it. */
export const PHONE_CSS = `.lf-phone{display:flex;gap:8px}.lf-phone>input{flex:1;min-inline-size:0}.lf-cc{position:relative;inline-size:7.5em}.lf-cc [role=listbox]{position:absolute;z-index:1;inset-block-start:100%;inset-inline-start:0;inline-size:18em;max-inline-size:80vw;max-block-size:16em;overflow:auto;background:#fff;border:1px solid #6b7280;border-radius:var(--_r)}.lf-cc [role=option]{padding:6px 12px;cursor:pointer}.lf-cc [aria-selected=true]{background:var(--_p);color:#fff}`;

/** The open list of one phone field's country choice: what was typed to search it, and the option under the arrow keys. */
interface Search {
  query: string;
  active: number;
}
const searches = new Map<string, Search>();

/** Lower case without accents, so "osterreich" finds Österreich. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The countries whose name, code or dial code match `query`, in the order of their names. */
export function matchCountries(query: string, locale: string): [code: string, name: string, dial: string][] {
  // Every country has a dial code (phone.test.ts).
  const all = [...countryNames(locale)].map(([code, name]) => [code, name, DIAL_CODES.get(code)!] as [string, string, string]);
  const wanted = fold(query.trim());
  if (!wanted) return all;
  const digits = wanted.replace(/^\+/, '');
  const matches = all.filter(([code, name, dial]) =>
    /^\d+$/.test(digits)
      ? dial.startsWith(digits)
      : code.toLowerCase() === wanted ||
        fold(name)
          .split(/[\s(),.-]+/)
          .some((word) => word.startsWith(wanted)) ||
        fold(name).startsWith(wanted),
  );
  // An exact code first: "de" is Germany before Bangladesh.
  return matches.sort((a, b) => Number(b[0].toLowerCase() === wanted) - Number(a[0].toLowerCase() === wanted));
}

export function renderPhone(props: FieldProps) {
  const { field, id, model, locale, t } = props;
  const { name } = field;
  const country = model.get().phoneCountries[name] ?? defaultCountry(field.phone?.defaultCountry, locale);
  const dial = country ? DIAL_CODES.get(country) : undefined;
  const search = searches.get(id);
  const matches = search ? matchCountries(search.query, locale) : [];
  const listId = `${id}-countries`;
  const repaint = () => model.update({});
  const choose = (code: string | undefined) => {
    searches.delete(id);
    if (code) model.update({ phoneCountries: { ...model.get().phoneCountries, [name]: code } });
    repaint();
  };
  const onNumber = (event: TextEvent) => {
    const input = event.currentTarget as HTMLInputElement;
    let text = input.value;
    let chosen = country;
    // A typed "+44" picks the country that dial code belongs to.
    if (text.startsWith('+')) chosen = countryOfDial(text.replace(/\D/g, ''), country)?.code ?? chosen;
    // Grouping only while typing at the end: an edit in the middle or a deletion keeps the caret where the visitor put it.
    const atEnd = input.selectionStart === text.length && !(event as unknown as InputEvent).inputType?.startsWith('delete');
    if (atEnd) text = groupDigits(text, chosen ? DIAL_CODES.get(chosen) : undefined);
    if (chosen && chosen !== model.get().phoneCountries[name]) model.update({ phoneCountries: { ...model.get().phoneCountries, [name]: chosen } });
    props.onInput(text || undefined);
  };
  const onKey = (event: KeyboardEvent) => {
    const open = searches.get(id);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      searches.set(id, open ? { ...open, active: Math.min(Math.max(open.active + step, 0), matches.length - 1) } : { query: '', active: 0 });
      repaint();
      container(event)?.querySelector(`#${listId} [aria-selected=true]`)?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter' && open) {
      // Enter picks the country; it must not also send the form or move to the next step.
      event.preventDefault();
      choose(matches[open.active]?.[0]);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      choose(undefined);
    }
  };
  const comboLabel = `${t.country}: ${country ? `${countryNames(locale).get(country)} +${dial}` : '—'}`;

  return (
    <div class="field">
      <label for={id}>{labelText(props)}</label>
      <div class="lf-phone">
        <div class="lf-cc">
          <input
            id={`${id}-country`}
            type="text"
            role="combobox"
            aria-label={comboLabel}
            aria-autocomplete="list"
            aria-expanded={!!search}
            aria-controls={listId}
            aria-activedescendant={search && matches[search.active] ? `${listId}-${matches[search.active]![0]}` : undefined}
            autoComplete="off"
            spellcheck={false}
            placeholder={search ? t.country_search : undefined}
            value={search ? search.query : country ? `${country} +${dial}` : ''}
            onInput={(event: TextEvent) => {
              searches.set(id, { query: event.currentTarget.value, active: 0 });
              repaint();
            }}
            onKeyDown={onKey}
            onBlur={() => searches.has(id) && choose(undefined)}
          />
          {search && (
            <div id={listId} role="listbox" aria-label={t.country}>
              {matches.map(([code, countryName, countryDial], index) => (
                <div
                  id={`${listId}-${code}`}
                  role="option"
                  tabIndex={-1}
                  aria-selected={index === search.active}
                  // Before the input's blur, which would close the list first.
                  onMouseDown={(event: MouseEvent) => {
                    event.preventDefault();
                    choose(code);
                  }}
                >
                  +{countryDial} {countryName}
                </div>
              ))}
            </div>
          )}
        </div>
        <input
          {...controlProps(props)}
          type="tel"
          value={textOf(props)}
          onInput={onNumber}
          maxLength={field.maxLength}
          placeholder={localize(field.placeholder, locale)}
          autoComplete={field.autocomplete ?? 'tel'}
        />
      </div>
      {notes(props)}
    </div>
  );
}

const container = (event: Event) => (event.currentTarget as Element | null)?.getRootNode() as ShadowRoot | Document | undefined;

/** `phone.defaultCountry`, else the region of the visitor's language, if it has a dial code. */
function defaultCountry(configured: string | undefined, locale: string): string | undefined {
  const code = configured ?? regionOf(locale);
  return code && DIAL_CODES.has(code) ? code : undefined;
}
