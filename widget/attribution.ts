/**
 * Attribution capture: the campaign parameters and click ids of the visit. The loader calls
 * `captureVisit` on every page the script is on, not only where a form is; the form reads the
 * result with `readAttribution` when it submits. The relay validates what this produces against
 * `src/schema/attribution.ts`.
 *
 * Bundled into the loader, so it imports nothing that pulls in zod.
 */
import { CLICK_IDS, MAX_PARAM_LENGTH, MAX_URL_LENGTH, UTM_PARAMS } from '../src/schema/attribution-keys.ts';
import type { Attribution, Touch } from '../src/schema/attribution.ts';

/** The current visit as a touch, or undefined when it carries no campaign signal. */
export function touchFromUrl(href: string, referrer: string, at: Date): Touch | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  const touch: Record<string, string> = {};
  for (const key of [...UTM_PARAMS, ...CLICK_IDS]) {
    const value = url.searchParams.get(key)?.trim();
    if (value) touch[key] = value.slice(0, MAX_PARAM_LENGTH);
  }
  let external = '';
  try {
    external = referrer && new URL(referrer).host !== url.host ? referrer : '';
  } catch {
    // A malformed referrer is no signal.
  }
  if (!Object.keys(touch).length && !external) return undefined;
  if (external) touch.referrer = external.slice(0, MAX_URL_LENGTH);
  touch.landing_page = href.slice(0, MAX_URL_LENGTH);
  touch.at = at.toISOString();
  return touch as Touch;
}

let visit: Touch | undefined;

/**
 * Records this page's visit. `settings` are the loader script's `data-*` attributes, so a
 * marketer configures capture on the script tag.
 */
export function captureVisit(_settings: DOMStringMap = {}): void {
  visit = touchFromUrl(location.href, document.referrer, new Date());
}

/** The attribution to send with a submission from this page. */
export function readAttribution(): Attribution | undefined {
  const touch = visit ?? touchFromUrl(location.href, document.referrer, new Date());
  return touch && { first: touch, last: touch, touches: 1 };
}

/** `LeadForm('consent', granted)`. */
export function grantConsent(_granted: boolean): void {}

/** `LeadForm('set', values)`: values the host page sets or overrides just before submit. */
export function setOverrides(_values: Record<string, unknown>): void {}

/**
 * In the iframe mode: the attribution the parent page's script captured, sent in by postMessage.
 * It takes the place of what the iframe's own URL shows, which is only the embed URL.
 */
export function adoptAttribution(_attribution: Attribution): void {}
