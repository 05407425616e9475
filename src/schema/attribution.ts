/**
 * Attribution: where the visit that produced a lead came from. The widget captures it
 * (`widget/attribution.ts`), the relay validates it with this schema, and each CRM adapter maps
 * it to the vendor's own fields.
 */
import * as z from 'zod/mini';
import { CLICK_IDS, MAX_PARAM_LENGTH, MAX_TIME_LENGTH, MAX_TOUCHES, MAX_URL_LENGTH, UTM_PARAMS } from './attribution-keys.ts';

export { CLICK_IDS, MAX_PARAM_LENGTH, MAX_URL_LENGTH, UTM_PARAMS };

const param = z.optional(z.string().check(z.maxLength(MAX_PARAM_LENGTH)));
const url = z.optional(z.string().check(z.maxLength(MAX_URL_LENGTH)));

/** One visit: its campaign parameters, click ids, external referrer and landing page. */
export const Touch = z.object({
  ...Object.fromEntries([...UTM_PARAMS, ...CLICK_IDS].map((key) => [key, param])),
  referrer: url,
  landing_page: url,
  /** When the visit began, ISO 8601. */
  at: z.optional(z.string().check(z.maxLength(MAX_TIME_LENGTH))),
}) as z.ZodMiniObject<
  Record<(typeof UTM_PARAMS)[number] | (typeof CLICK_IDS)[number], typeof param> & {
    referrer: typeof url;
    landing_page: typeof url;
    at: z.ZodMiniOptional<z.ZodMiniString>;
  }
>;
export type Touch = z.infer<typeof Touch>;

export const Attribution = z.object({
  /** The first visit the widget saw within the lifetime, with or without a campaign. */
  first: z.optional(Touch),
  /** The latest campaign visit (UTM parameter, click id or another site's referrer), else `first`. */
  last: z.optional(Touch),
  /** How many visits were recorded: the first one, then each campaign visit after it. */
  touches: z.optional(z.int().check(z.minimum(0), z.maximum(MAX_TOUCHES))),
});
export type Attribution = z.infer<typeof Attribution>;
