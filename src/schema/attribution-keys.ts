/**
 * The attribution vocabulary alone: the loader bundles this file and must stay tiny.
 * `attribution.ts` reads a submission's attribution by these names.
 */
export const UTM_PARAMS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'utm_id'] as const;

export const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid'] as const;

/** The touch's URLs: where the visitor came from (another site only) and the page they landed on. */
export const URL_KEYS = ['referrer', 'landing_page'] as const;

/** Campaign values are short; anything longer is trimmed by the widget before it is sent. */
export const MAX_PARAM_LENGTH = 500;
export const MAX_URL_LENGTH = 2048;
/** A touch's `at`: an ISO 8601 time. */
export const MAX_TIME_LENGTH = 40;
/** The relay accepts a touch count up to this; the widget never sends more. */
export const MAX_TOUCHES = 1_000_000;

/** The localStorage key and the cookie name under which the widget keeps the visit's story. */
export const STORAGE_KEY = 'leadform_attribution';
/** How long a visit's story is kept after its latest campaign visit, in days. */
export const DEFAULT_LIFETIME_DAYS = 90;
/** Browsers cap a cookie's lifetime at 400 days, so a longer setting would not be honoured. */
export const MAX_LIFETIME_DAYS = 400;
