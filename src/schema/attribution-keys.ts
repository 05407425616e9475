/**
 * The attribution vocabulary, with no zod in it: the loader bundles this file and must stay tiny.
 * `attribution.ts` builds the schema from these names.
 */
export const UTM_PARAMS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'utm_id'] as const;

export const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid'] as const;

/** Campaign values are short; anything longer is trimmed by the widget before it is sent. */
export const MAX_PARAM_LENGTH = 500;
export const MAX_URL_LENGTH = 2048;
