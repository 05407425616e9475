/**
 * Attribution capture: which campaign brought the visitor, kept across pages and visits so that a
 * lead converting pages or days later still carries its source. On every page the script is on,
 * the loader imports this module (built as `widget/attribution.js`, see `attribution-loader.ts`)
 * and calls `captureVisit`; the form bundle imports the same module and calls `readAttribution` at
 * submit; the relay validates the result against `src/schema/attribution.ts`.
 *
 * The rules are pure functions (`readVisit`, `nextJourney`, `present`) over a URL, a referrer, a
 * time and what was stored; the rest is thin glue to location, localStorage and the cookie.
 *
 * It loads on every page, so it stays small and imports nothing that pulls in zod. It never throws
 * into the host page: storage throws in private modes and sandboxed iframes, so each access is
 * guarded, and a failure only means that the journey is not kept.
 */
import {
  CLICK_IDS,
  DEFAULT_LIFETIME_DAYS,
  MAX_LIFETIME_DAYS,
  MAX_PARAM_LENGTH,
  MAX_TIME_LENGTH,
  MAX_TOUCHES,
  MAX_URL_LENGTH,
  STORAGE_KEY,
  URL_KEYS,
  UTM_PARAMS,
} from '../src/schema/attribution-keys.ts';
import type { Attribution, Touch } from '../src/schema/attribution.ts';

type Values = Record<string, unknown>;

/**
 * Declared when a form of the relay's configuration sets `requireConsent`: the relay appends
 * `var LEADFORM_CONSENT_REQUIRED = true` to this file as it serves it (`attributionWithConsent`
 * in src/relay/app.ts). Capture runs on pages with no form, before any form definition is read,
 * so the rule comes with the code.
 */
declare const LEADFORM_CONSENT_REQUIRED: true | undefined;

/** The URL parameters that make a campaign visit, and the only ones kept. */
const CAMPAIGN_PARAMS: readonly string[] = [...UTM_PARAMS, ...CLICK_IDS];

/** The keys `LeadForm('set', {...})` accepts. */
export const OVERRIDE_KEYS: readonly string[] = [...CAMPAIGN_PARAMS, ...URL_KEYS];

/** What storage keeps: the attribution plus when it expires. */
export interface Journey {
  first: Touch;
  last: Touch;
  touches: number;
  /** Milliseconds since the epoch. */
  expires: number;
}

/**
 * The page view at `href` as a touch: its campaign parameters (names in any case: `utm_Source`;
 * for a name given twice, the last non-empty value), values trimmed and cut to length; the referrer when it is another site; the landing page; the
 * time. A referrer on this host, or under the cookie domain, is the visitor moving around the
 * site and is ignored, as is a malformed one. Undefined when `href` is not a URL.
 */
export function readVisit(href: string, referrer: string, now: number, cookieDomain = ''): Touch | undefined {
  let url: URL;
  let from = '';
  try {
    url = new URL(href);
  } catch {
    return;
  }
  try {
    from = new URL(referrer).hostname;
  } catch {}
  const touch: Values = {};
  url.searchParams.forEach((value, name) => {
    value = value.trim().slice(0, MAX_PARAM_LENGTH);
    name = name.toLowerCase();
    if (value && CAMPAIGN_PARAMS.includes(name)) touch[name] = value;
  });
  if (from && !`.${from}`.endsWith(`.${cookieDomain.replace(/^\./, '') || url.hostname}`)) touch.referrer = referrer.slice(0, MAX_URL_LENGTH);
  touch.landing_page = href.slice(0, MAX_URL_LENGTH);
  touch.at = new Date(now).toISOString();
  return touch;
}

/** A campaign visit has a campaign parameter or another site's referrer: more than `landing_page` and `at`. */
export const isCampaign = (touch: Touch): boolean => Object.keys(touch).length > 2;

/**
 * The capture rule. With no live journey (none stored, or expired), the visit starts one: first
 * and last touch, one touch. After that, a campaign visit replaces the last touch, counts one more
 * and restarts the lifetime; a visit without a campaign changes nothing.
 */
export function nextJourney(visit: Touch | undefined, stored: Journey | undefined, now: number, days: number): Journey | undefined {
  const live = stored && stored.expires > now ? stored : undefined;
  if (!visit || (live && !isCampaign(visit))) return live;
  return { first: live?.first ?? visit, last: visit, touches: (live?.touches ?? 0) + 1, expires: now + days * 864e5 };
}

/** A value as it may be sent: a trimmed string cut to `max`, or undefined when empty. */
export const clip = (value: unknown, max: number): string | undefined => (typeof value == 'string' ? value.trim().slice(0, max) || undefined : undefined);

const clean = (touch: Values): Touch => {
  const kept: Values = {};
  for (const key of [...OVERRIDE_KEYS, 'at']) {
    const value = clip(touch[key], (URL_KEYS as readonly string[]).includes(key) ? MAX_URL_LENGTH : key == 'at' ? MAX_TIME_LENGTH : MAX_PARAM_LENGTH);
    if (value) kept[key] = value;
  }
  return kept;
};

/**
 * What a submission carries: the journey without its expiry, the host page's overrides (keys in
 * any case) on the last touch, and only known keys with valid values, so that data stored by an
 * older version, tampered with, or adopted from the parent page cannot make the relay refuse the
 * lead.
 */
export function present(journey: Partial<Journey> | undefined, overrides: Values = {}): Attribution | undefined {
  const set: Values = {};
  for (const [name, value] of Object.entries(overrides)) {
    const key = name.toLowerCase();
    if (OVERRIDE_KEYS.includes(key)) set[key] = typeof value == 'number' ? String(value) : value;
    // The keys are listed in the README ("Attribution").
    else console.warn(`[leadform] set: "${name}" is not an attribution key`);
  }
  const last = clean({ ...journey?.last, ...set });
  const first = journey?.first ? clean(journey.first) : last;
  if (!Object.keys(first).length && !Object.keys(last).length) return undefined;
  return { first, last, touches: Math.max(0, Math.min(MAX_TOUCHES, Number(journey?.touches ?? 1) | 0)) };
}

/** This page's state. */
const state: {
  /** Lifetime in days. */
  days: number;
  /** The cookie's domain, "" for this host only. */
  domain: string;
  /** Waiting for consent: storage is neither read nor written. */
  pending?: boolean;
  /** This page's visit. */
  visit?: Touch | undefined;
  journey?: Journey | undefined;
  overrides: Values;
  adopted?: Partial<Journey> | undefined;
} = { days: DEFAULT_LIFETIME_DAYS, domain: '', overrides: {} };

const attempt = <T>(run: () => T): T | undefined => {
  try {
    return run();
  } catch {
    return undefined;
  }
};

// Both stores hold the same encoded JSON. The cookie comes first: subdomains share it, so it may
// be newer than this host's localStorage, which keeps what is too big for a cookie.
const load = (): Journey | undefined =>
  attempt(() => JSON.parse(decodeURIComponent(document.cookie.match(`(?:^|; )${STORAGE_KEY}=([^;]+)`)![1]!))) ??
  attempt(() => JSON.parse(decodeURIComponent(localStorage.getItem(STORAGE_KEY)!)));

function save(journey: Journey | undefined, now: number): void {
  const value = encodeURIComponent(JSON.stringify(journey) ?? '');
  // A browser refuses a cookie past 4 KB: then the cookie is removed and localStorage alone keeps
  // the journey. Each store is tried on its own: Safari's private mode, for one, refuses only localStorage.
  const maxAge = journey && value.length < 4e3 ? Math.round((journey.expires - now) / 1e3) : 0;
  attempt(() => {
    // A cookie this host kept before the site set a cookie domain is older, so browsers list it
    // first and it would be read instead of the shared one for as long as it lives: it goes.
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Firefox and Safari
    if (state.domain) document.cookie = `${STORAGE_KEY}=;path=/;max-age=0`;
    // biome-ignore lint/suspicious/noDocumentCookie: as above
    document.cookie = `${STORAGE_KEY}=${maxAge > 0 ? value : ''};path=/;max-age=${Math.max(maxAge, 0)};samesite=lax${state.domain && `;domain=${state.domain}`}${location.protocol == 'https:' ? ';secure' : ''}`;
  });
  attempt(() => (journey ? localStorage.setItem(STORAGE_KEY, value) : localStorage.removeItem(STORAGE_KEY)));
}

function record(): void {
  const now = Date.now();
  state.journey = nextJourney(state.visit, state.pending ? undefined : load(), now, state.days);
  if (!state.pending) save(state.journey, now);
}

/**
 * Records the visit of the page opened at `href`. `settings` are the loader script's data-* attributes, so that a
 * marketer configures capture on the script tag:
 * - `data-attribution-days`: days a journey is kept after its latest campaign visit, 1 to 400. @default 90
 * - `data-cookie-domain`: the cookie's domain, e.g. ".example.com" so that subdomains share it. @default this host only
 * - `data-consent="required"`: keep it in memory only until `LeadForm('consent', true)`. @default
 *   required when a form of the relay's configuration sets `requireConsent`, else not required
 */
export function captureVisit({ attributionDays, cookieDomain = '', consent }: DOMStringMap, href: string): void {
  const days = Number(attributionDays);
  state.days = days >= 1 && days <= MAX_LIFETIME_DAYS ? days : DEFAULT_LIFETIME_DAYS;
  // It goes into the cookie string, where anything but a host name could add attributes.
  state.domain = /^\.?[\w-]+(\.[\w-]+)+$/.test(cookieDomain) ? cookieDomain : '';
  if (cookieDomain && !state.domain) console.warn(`[leadform] data-cookie-domain "${cookieDomain}" is not a domain; the cookie stays on this host`);
  state.pending = consent == 'required' || typeof LEADFORM_CONSENT_REQUIRED != 'undefined';
  state.visit = readVisit(href, document.referrer, Date.now(), state.domain);
  record();
}

/** The attribution to send with a submission from this page. */
export function readAttribution(): Attribution | undefined {
  const now = Date.now();
  const journey =
    state.adopted ??
    // Storage may be newer: another tab may have recorded a campaign visit since this page loaded.
    (state.pending ? state.journey : (nextJourney(undefined, load(), now, 0) ?? state.journey)) ??
    // Only when the loader never captured this page: this visit alone, kept nowhere.
    nextJourney(readVisit(location.href, document.referrer, now), undefined, now, 0);
  return present(journey, state.overrides);
}

/**
 * `LeadForm('consent', granted)`. Granting stores the journey held in memory (merged with any
 * stored one); refusing erases what was stored and keeps this page's visit in memory only.
 */
export function grantConsent(granted: boolean): void {
  if (!granted) save(undefined, 0);
  if (granted == state.pending) {
    state.pending = !granted;
    record();
  }
}

/**
 * `LeadForm('set', values)`: values (strings, or numbers) the host page sets or overrides on the
 * last touch just before submit. Keys are `OVERRIDE_KEYS`, in any case (others are dropped at submit, with a
 * warning); `null` or "" removes one. They hold for this page only.
 */
export function setOverrides(values: Values): void {
  Object.assign(state.overrides, values);
}

/**
 * In the iframe mode: the attribution the parent page's script captured, sent in by postMessage.
 * It takes the place of what the iframe's own URL shows, which is only the embed URL.
 */
export function adoptAttribution(attribution: Attribution): void {
  state.adopted = attribution && typeof attribution == 'object' ? attribution : {};
}

/**
 * The `LeadForm(...)` commands about attribution, which the loader handles itself so that a page
 * without a form never loads the form bundle for them. True when `args` was one of them.
 */
export function attributionCommand([name, value]: unknown[]): boolean {
  if (name == 'consent') grantConsent(value === true);
  else if (name == 'set') setOverrides(value as Values);
  else return false;
  return true;
}
