/**
 * Every country's international dial code, for the phone field's country choice: one per code of
 * COUNTRY_CODES and in its (alphabetical) order, because they ship in the phone chunk, where this
 * gzips to 0.27 KB. The numbering plans themselves stay on the relay
 * (libphonenumber-js); this is only what the visitor picks from and how the number is grouped.
 */
import { COUNTRY_CODES } from '../../src/schema/countries.ts';

// Each dial code in base 36, two characters ("1" is 01, "49" is 1d, "998" is rq): 0.17 KB gzip less than the digits.
const DIAL =
  'agqz2l01019vae6sio1i01171p899yrmar01og0w6a9zr1756dge01ipgfgn1j01r31b7fafdx011p6r6k6q1569iy1k6l2e1le21h6mgn1p9xbo1d711901015xghac0k5w830y6z9yivdwj78a0x6p1801rngi186h9q8b6468ge6o0udwdy016tggnoioe0ape5101q9tr0182j6uqs2q9u131801qq2972ronrj27h01nm2aqt0107nsqp01br2m6f7eaa9sab625wahadamge79j8at672nr4np01gk66019w6eqo7d1g1o767cj36bio6ie10v1br5iqiz1sqwe31fj5ir1r2k1ce41s01qy9riwgjr27a14al076yquit6w6x1a1t82aq1bbp6gai6570gl5v6ndz01qr7g016j7a6c1urkj6imrl60is2i01j4om73ak740101gmrq13011m01012ciuixj1qv7a0r787b';

/** Dial code (digits, no +) by ISO 3166-1 alpha-2 code. */
export const DIAL_CODES: ReadonlyMap<string, string> = new Map(
  COUNTRY_CODES.map((code, index) => [code, String(Number.parseInt(DIAL.slice(index * 2, index * 2 + 2), 36))]),
);

/** The country a typed "+1…" or "+44…" means when several share the code and none is chosen yet. */
const MAIN = ['US', 'RU', 'NO', 'GP', 'CW', 'NF', 'FI', 'MA'];

/**
 * The country whose dial code starts `digits` (what follows a typed +), keeping `current` when it
 * shares that code (a visitor in Canada typing +1 stays in Canada).
 */
export function countryOfDial(digits: string, current: string | undefined): { code: string; dial: string } | undefined {
  for (const length of [1, 2, 3]) {
    const dial = digits.slice(0, length);
    if (dial.length < length) return undefined;
    const sharing = [...DIAL_CODES].filter(([, code]) => code === dial).map(([country]) => country);
    if (!sharing.length) continue;
    // Else the main one where the first in the alphabet is not (+1 is the US before Antigua).
    const code = sharing.find((country) => country === current) ?? sharing.find((country) => MAIN.includes(country)) ?? sharing[0]!;
    return { code, dial };
  }
  return undefined;
}

/**
 * Light grouping as the visitor types, the same for every country: the dial code, then groups of
 * three digits, the last of up to four ("+49 301 234 5678", "030 123 4567"). Text with other
 * characters than digits, spaces and a leading + is left as typed: the visitor's own format wins.
 */
export function groupDigits(text: string, dial: string | undefined): string {
  if (!/^\+?[\d\s]*$/.test(text)) return text;
  const international = text.startsWith('+');
  let digits = text.replace(/\D/g, '');
  let head = '';
  if (international && dial && digits.startsWith(dial)) {
    head = `+${dial}`;
    digits = digits.slice(dial.length);
  } else if (international) {
    return `+${digits}`;
  }
  const groups = digits.match(/\d{1,3}/g) ?? [];
  if (groups.length > 1 && groups[groups.length - 1]!.length === 1) groups.splice(-2, 2, groups[groups.length - 2]! + groups[groups.length - 1]!);
  return [head, ...groups].filter(Boolean).join(' ');
}

/** The country a visitor's language points to: its own region ("de-AT" → AT), else its likeliest ("de" → DE). */
export function regionOf(locale: string): string | undefined {
  try {
    return new Intl.Locale(locale).maximize().region;
  } catch {
    return undefined;
  }
}
