/**
 * Attribution capture: the campaign parameters and click ids of the current visit. The relay
 * validates what this produces against `src/schema/attribution.ts`.
 */
import { CLICK_IDS, MAX_PARAM_LENGTH, MAX_URL_LENGTH, type Attribution, type Touch, UTM_PARAMS } from '../src/schema/attribution.ts';

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

/** The attribution to send with a submission from this page. */
export function currentAttribution(): Attribution | undefined {
  const touch = touchFromUrl(location.href, document.referrer, new Date());
  return touch && { first: touch, last: touch, touches: 1 };
}
