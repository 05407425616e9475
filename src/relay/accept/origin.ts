/**
 * The origin allowlist and the CORS answer that goes with it. Only browsers send `Origin`, so
 * only browsers are held to a form's `allowedOrigins`; an allowed origin is echoed back, never `*`,
 * so each site sees only its own name.
 *
 * Written by hand rather than with `hono/cors`, which cannot give this exact answer: it sends
 * `Access-Control-Expose-Headers` and `Vary: Origin` on every answer, even to a request without
 * an Origin; it joins the preflight's lists with "," (here "POST, OPTIONS") and adds
 * `Vary: Access-Control-Request-Headers`; and it has no refusal, where a foreign origin gets a
 * 403 naming the key to add, after the unknown form's 404.
 */
import type { FormConfig } from '../config.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { FormLookup } from '../forms/catalog.ts';
import { findLiveForm } from './form.ts';

export interface OriginFacts {
  formId: string;
  /** The request's `Origin` header; null when it has none. */
  origin: string | null;
  /** The request's URL, whose origin is the one `"self"` allows. */
  url: string;
}

/** The origin to echo in the CORS headers, or null when the request sent none. */
export function allowedOrigin(form: FormConfig, { formId, origin, url }: OriginFacts): Refusable<string | null> {
  // No Origin: not a browser (or a same-origin GET); the allowlist guards browsers only.
  if (origin === null) return passed(null);
  const self = new URL(url).origin;
  const allowed = form.allowedOrigins.some((entry) => entry === '*' || entry === origin || (entry === 'self' && origin === self));
  if (!allowed)
    return refused(new RelayError('origin_not_allowed', 403, `Origin ${origin} may not submit this form; add it to forms.${formId}.allowedOrigins.`));
  return passed(origin);
}

/**
 * What every answer to an allowed origin carries, errors included, so the page's script can read
 * the refusal and its `Retry-After`.
 */
export function corsHeaders(origin: string | null): Record<string, string> {
  if (origin === null) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' };
}

/** What a preflight is answered with besides `corsHeaders`: the one method and the two headers a submission uses. */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key',
  'Access-Control-Max-Age': '600',
};

/** A form route's CORS preflight: the headers of its 204 when the form exists and allows the origin, else that refusal. */
export function preflightHeaders(forms: FormLookup, facts: OriginFacts): Refusable<Record<string, string>> {
  const form = findLiveForm(forms, facts.formId);
  if (!form.ok) return form;
  const origin = allowedOrigin(form.value.config, facts);
  if (!origin.ok) return origin;
  return passed({ ...corsHeaders(origin.value), ...PREFLIGHT_HEADERS });
}
