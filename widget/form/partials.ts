/**
 * Partial leads, a chunk only forms with `partials: true` download: once a shown email or phone
 * field holds a valid-looking value (and every shown required consent box is ticked), what is filled so
 * far is kept at the relay (`POST /v1/forms/{id}/partials`) under the Idempotency-Key the final
 * submission will carry, so the relay drops it when that submission arrives. Sent a moment after
 * the visitor stops typing, again when more is filled, and at once when the page is hidden (a
 * keepalive request outlives the page). It never delays the visitor and never throws: a refusal
 * or a network failure is simply the end of that partial.
 */
import type { Submission } from '../../src/schema/submission.ts';
import type { FormOptions } from './Form.tsx';
import type { FormModel } from './state.ts';

/**
 * Whether a value looks like a way to reach the visitor, before anything is sent: the relay
 * judges it with the form's own rules (and libphonenumber for a phone) and refuses the rest, so
 * this only keeps half-typed values from being sent. Not `fieldIssue`: a chunk importing the rules
 * form.js holds would make the bundler split them out of form.js (see `loadEngine`).
 */
export function looksReachable(type: string, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return type === 'email' ? /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/.test(value.trim()) : type === 'tel' && value.replace(/\D/g, '').length >= 6;
}

/** How long after the last change a partial is sent. */
export const PARTIAL_DEBOUNCE_MS = 3000;

/**
 * Keeps the partials of the form `options` renders, whose state is `model`. Arguments in a row,
 * not an object: each name would otherwise be spelled out in form.js, which every form downloads.
 * @param key the Idempotency-Key the next submission will carry
 * @param body the body a submission would carry now (fields shown, attribution, meta)
 */
export function keep({ relay, definition }: Pick<FormOptions, 'relay' | 'definition'>, model: FormModel, key: () => string, body: () => Submission): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = '';
  const worthKeeping = () => {
    const { values, status } = model.get();
    if (status === 'sending' || status === 'success' || status === 'offline') return false;
    const shown = model.shown();
    const fields = definition.fields.filter((field) => shown.has(field.name));
    const reachable = fields.some((field) => looksReachable(field.type, values[field.name]));
    return reachable && fields.every((field) => field.type !== 'consent' || !field.required || values[field.name] === true);
  };
  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    try {
      if (!worthKeeping()) return;
      const { meta, ...rest } = body();
      // The fill time is the final submission's (the relay's bot check reads it there), not a partial's.
      const text = JSON.stringify({ ...rest, meta: { ...meta, fillMs: undefined } });
      const id = key();
      if (text + id === sent) return;
      sent = text + id;
      fetch(`${relay}/v1/forms/${encodeURIComponent(definition.id)}/partials`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': id },
        body: text,
        keepalive: true,
      }).catch(() => {});
    } catch {
      // Nothing a partial does may reach the page.
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(send, PARTIAL_DEBOUNCE_MS);
  };
  model.subscribe(later);
  // This chunk may arrive after the visitor typed (a slow network): what is in already counts.
  later();
  addEventListener('pagehide', send);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && send());
}
