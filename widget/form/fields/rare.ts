/**
 * The renderers of field types few forms use (a list of checkboxes, a number, a date, a web
 * address, a country), in a chunk of their own: `loadEngine` (`../index.tsx`) downloads it
 * alongside the other chunks a definition needs, so a form without these types never does.
 * The phone chunk imports `countryNames` from here, and `loadEngine` starts this chunk with it, so
 * a phone form waits on no further round trip. (A chunk of country names alone, imported by both,
 * makes the bundler split the renderer (dom.ts) out of form.js into a chunk every form would wait for.)
 */
import { isCountryCode } from '../../../src/schema/countries.ts';
import { useCountryCodes } from '../../../src/schema/field.ts';
import { registerRenderer, textParsers } from './index.ts';
import { renderCheckboxes } from './checkboxes.tsx';
import { renderCountry } from './country.tsx';
import { renderDate } from './date.tsx';
import { parseNumber, renderNumber } from './number.tsx';
import { renderUrl } from './url.tsx';

export { countryNames } from './country.tsx';

/** Registers the renderer of every type this chunk holds (and how a number reads from text). */
export function registerRareRenderers(): void {
  registerRenderer('checkboxes', renderCheckboxes);
  registerRenderer('number', renderNumber);
  textParsers.number = parseNumber;
  registerRenderer('date', renderDate);
  registerRenderer('url', renderUrl);
  registerRenderer('country', renderCountry);
  useCountryCodes(isCountryCode);
}
