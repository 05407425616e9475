/**
 * Every country's international dial code, for the phone field's country choice: the digits
 * only, one per code of COUNTRY_CODES and in its (alphabetical) order, because they ship in the
 * phone chunk, where this gzips to 0.44 KB. The numbering plans themselves stay on the relay
 * (libphonenumber-js); this is only what the visitor picks from and how the number is grouped.
 */
import { COUNTRY_CODES } from '../../src/schema/countries.ts';

const DIAL =
  '376 971 93 1 1 355 374 244 672 54 1 43 61 297 358 994 387 1 880 32 226 359 973 257 229 590 1 673 591 599 55 1 975 47 267 375 501 1 61 243 236 242 41 225 682 56 237 86 57 506 53 238 599 61 357 420 49 253 45 1 1 213 593 372 20 212 291 34 251 358 679 500 691 298 33 241 44 1 995 594 44 233 350 299 220 224 590 240 30 500 502 1 245 592 852 672 504 385 509 36 62 353 972 44 91 246 964 98 354 39 44 1 962 81 254 996 855 686 269 1 850 82 965 1 7 856 961 1 423 94 231 266 370 352 371 218 212 377 373 382 590 261 692 389 223 95 976 853 1 596 222 1 356 230 960 265 52 60 258 264 687 227 672 234 505 31 47 977 674 683 64 968 507 51 689 675 63 92 48 508 64 1 970 351 680 595 974 262 40 381 7 250 966 677 248 249 46 65 290 386 47 421 232 378 221 252 597 211 239 503 1 963 268 1 235 262 228 66 992 690 670 993 216 676 90 1 688 886 255 380 256 1 1 598 998 39 1 58 1 1 84 678 681 685 967 262 27 260 263';

/** Dial code (digits, no +) by ISO 3166-1 alpha-2 code. */
export const DIAL_CODES: ReadonlyMap<string, string> = new Map(DIAL.split(' ').map((dial, index) => [COUNTRY_CODES[index]!, dial]));

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
