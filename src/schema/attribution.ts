/**
 * Attribution: where the visit that produced a lead came from. The widget captures it
 * (`widget/attribution.ts`), the relay reads it with `readAttribution`, and each CRM adapter maps
 * it to the vendor's own fields.
 */
import { CLICK_IDS, MAX_PARAM_LENGTH, MAX_TIME_LENGTH, MAX_TOUCHES, MAX_URL_LENGTH, type URL_KEYS, UTM_PARAMS } from './attribution-keys.ts';
import { integer, object, type Reader, string } from './shape.ts';

export { CLICK_IDS, MAX_PARAM_LENGTH, MAX_URL_LENGTH, UTM_PARAMS };

/** One visit: its campaign parameters, click ids, external referrer and landing page. */
export type Touch = {
  [K in (typeof UTM_PARAMS)[number] | (typeof CLICK_IDS)[number] | (typeof URL_KEYS)[number]]?: string | undefined;
} & {
  /** When the visit began, ISO 8601. */
  at?: string | undefined;
};

export interface Attribution {
  /** The first visit the widget saw within the lifetime, with or without a campaign. */
  first?: Touch | undefined;
  /** The latest campaign visit (UTM parameter, click id or another site's referrer), else `first`. */
  last?: Touch | undefined;
  /** How many visits were recorded: the first one, then each campaign visit after it. */
  touches?: number | undefined;
}

const param = string(MAX_PARAM_LENGTH);
const url = string(MAX_URL_LENGTH);
const readTouch = object<Touch>({
  ...(Object.fromEntries([...UTM_PARAMS, ...CLICK_IDS].map((key) => [key, param])) as Record<
    (typeof UTM_PARAMS)[number] | (typeof CLICK_IDS)[number],
    Reader<string>
  >),
  referrer: url,
  landing_page: url,
  at: string(MAX_TIME_LENGTH),
});

/** Reads a submission's `attribution`: what it keeps, with what is wrong in `issues`. */
export const readAttribution: Reader<Attribution> = object<Attribution>({ first: readTouch, last: readTouch, touches: integer(0, MAX_TOUCHES) });
