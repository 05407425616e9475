/**
 * The ISO 3166-1 alpha-2 codes of every country and territory, for `country` fields and a
 * phone's country. Zod-free and written as one string of two-letter codes because the widget
 * bundles it with `fieldIssue`: 498 characters that gzip to a fraction of a list of strings.
 * Names are not here: the widget words them with `Intl.DisplayNames` in the visitor's language.
 */
const CODES =
  'ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW';

/** Every ISO 3166-1 alpha-2 code, in alphabetical order. */
export const COUNTRY_CODES: readonly string[] = CODES.match(/../g) ?? [];

/** Whether `code` is an assigned ISO 3166-1 alpha-2 code, in upper case. */
export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && COUNTRY_CODES.includes(code);
}
