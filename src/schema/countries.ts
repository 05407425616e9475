/**
 * The ISO 3166-1 alpha-2 codes of every country and territory, for `country` fields and a
 * phone's country. Zod-free and written as one string because it ships in the widget's chunks of
 * `country` and phone fields: 141 characters that gzip to a fraction of a list of strings.
 * Names are not here: the widget words them with `Intl.DisplayNames` in the visitor's language.
 * `fieldIssue` gets `isCountryCode` from what imports this (`useCountryCodes`), so form.js, which
 * bundles `fieldIssue`, does not carry the list.
 */

// One word per first letter, A to Z: in base 36, the bits of the second letters its codes have
// (bit 0 A, bit 25 Z): 0.1 KB gzip less than the letters.
const CODES = 'sox2w ybdob 13fegd jznrk jo44 3abk dq22j 10t1c lq8o 153k wkgr4 cepl3 13ycxp kpks5 35s d1hpt 1 3accw 10rw7z o4s18 u4hmp mno5 5mao 0 b8k0 2hzi9';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Every ISO 3166-1 alpha-2 code, in alphabetical order. */
export const COUNTRY_CODES: readonly string[] = CODES.split(' ').flatMap((bits, first) =>
  [...LETTERS].filter((_, second) => (Number.parseInt(bits, 36) >> second) & 1).map((second) => LETTERS[first] + second),
);

/** Whether `code` is an assigned ISO 3166-1 alpha-2 code, in upper case. */
export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && COUNTRY_CODES.includes(code);
}
