/**
 * Every country's international dial code, for the phone field's country choice: written as one
 * string (code, then digits) because it ships in the phone chunk, where it gzips to about 0.7 KB.
 * The numbering plans themselves stay on the relay (libphonenumber-js); this is only what the
 * visitor picks from and how the typed number is grouped.
 */
const DIAL =
  'AD376AE971AF93AG1AI1AL355AM374AO244AQ672AR54AS1AT43AU61AW297AX358AZ994BA387BB1BD880BE32BF226BG359BH973BI257BJ229BL590BM1BN673BO591BQ599BR55BS1BT975BV47BW267BY375BZ501CA1CC61CD243CF236CG242CH41CI225CK682CL56CM237CN86CO57CR506CU53CV238CW599CX61CY357CZ420DE49DJ253DK45DM1DO1DZ213EC593EE372EG20EH212ER291ES34ET251FI358FJ679FK500FM691FO298FR33GA241GB44GD1GE995GF594GG44GH233GI350GL299GM220GN224GP590GQ240GR30GS500GT502GU1GW245GY592HK852HM672HN504HR385HT509HU36ID62IE353IL972IM44IN91IO246IQ964IR98IS354IT39JE44JM1JO962JP81KE254KG996KH855KI686KM269KN1KP850KR82KW965KY1KZ7LA856LB961LC1LI423LK94LR231LS266LT370LU352LV371LY218MA212MC377MD373ME382MF590MG261MH692MK389ML223MM95MN976MO853MP1MQ596MR222MS1MT356MU230MV960MW265MX52MY60MZ258NA264NC687NE227NF672NG234NI505NL31NO47NP977NR674NU683NZ64OM968PA507PE51PF689PG675PH63PK92PL48PM508PN64PR1PS970PT351PW680PY595QA974RE262RO40RS381RU7RW250SA966SB677SC248SD249SE46SG65SH290SI386SJ47SK421SL232SM378SN221SO252SR597SS211ST239SV503SX1SY963SZ268TC1TD235TF262TG228TH66TJ992TK690TL670TM993TN216TO676TR90TT1TV688TW886TZ255UA380UG256UM1US1UY598UZ998VA39VC1VE58VG1VI1VN84VU678WF681WS685YE967YT262ZA27ZM260ZW263';

/** Dial code (digits, no +) by ISO 3166-1 alpha-2 code. */
export const DIAL_CODES: ReadonlyMap<string, string> = new Map([...DIAL.matchAll(/([A-Z]{2})(\d+)/g)].map((match) => [match[1]!, match[2]!]));

/** The country a typed "+1…" or "+44…" means when several share the code and none is chosen yet. */
const MAIN = ['US', 'GB', 'RU', 'AU', 'NO', 'IT', 'GP', 'RE', 'CW', 'NF', 'FK', 'FI', 'MA', 'NZ'];

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
export function regionOf(locale: string, browser: readonly string[] = navigator.languages ?? []): string | undefined {
  try {
    const language = new Intl.Locale(locale);
    if (language.region) return language.region;
    const sameLanguage = browser.map((tag) => new Intl.Locale(tag)).find((tag) => tag.language === language.language && tag.region);
    return sameLanguage?.region ?? language.maximize().region;
  } catch {
    return undefined;
  }
}
