/**
 * The funnel beacons (`POST /v1/forms/{id}/events`): a chunk the form loads once it is painted,
 * which sends nothing under Global Privacy Control. It watches the form's
 * state model, not the visitor: no cookie, no identifier, no value; only what happened (view,
 * start, step, field_error, abandon), where (the step, the field), the visit's last touch's
 * campaign and a device class from the screen (never the User-Agent). Each kind is sent once per
 * form and page (a field's error once per field), so the counts are of visits, not keystrokes.
 * Events wait in memory and leave together in one `navigator.sendBeacon`, which never delays the
 * visitor: when the page is hidden, when the form is sent, or when 20 are waiting. With the form's
 * `requireConsent`, none leaves before the visitor consents (`LeadForm('consent', true)`).
 */
const attempt = <T>(read: () => T): T | undefined => {
  try {
    return read();
  } catch {
    return undefined;
  }
};

import { STORAGE_KEY } from '../../src/schema/attribution-keys.ts';
import type { FormDefinition } from '../../src/schema/form.ts';
import { readAttribution } from '../attribution.ts';
import type { FormModel } from './state.ts';

/** Starts the beacons of the form `model` holds, rendered in `container`. */
export function watchFunnel(relay: string, definition: FormDefinition, model: FormModel, container: Element | ShadowRoot): void {
  // A browser without the observer or the beacon (an old one, a test's DOM) is not counted.
  if ((navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl || !window.IntersectionObserver || !navigator.sendBeacon) return;
  const last = readAttribution()?.last ?? {};
  const small = Math.min(screen.width, screen.height) < 600;
  const base = {
    source: last.utm_source,
    medium: last.utm_medium,
    campaign: last.utm_campaign,
    device: matchMedia('(pointer:coarse)').matches ? (small ? 'mobile' : 'tablet') : 'desktop',
    // The published version the form was rendered from, where the relay tells it.
    version: definition.version,
  };
  const url = `${relay}/v1/forms/${encodeURIComponent(definition.id)}/events`;
  const queue: object[] = [];
  const sent = new Set<string>();
  const steps = definition.steps;
  /** The id of the step shown (undefined for a form without steps, which the relay refuses a step for). */
  const stepShown = () => steps && model.steps()[model.get().step]?.id;
  let values = model.get().values;
  let lastField: string | undefined;
  let done = false;

  // The attribution module stores the visit's journey only once the visitor has consented (and
  // erases it when consent is refused), so a stored journey is the consent this form waits for.
  const consented = () => !definition.requireConsent || !!attempt(() => localStorage.getItem(STORAGE_KEY));
  const flush = () => {
    if (queue.length && consented()) navigator.sendBeacon(url, JSON.stringify({ events: queue.splice(0) }));
  };
  const push = (type: string, step?: string, field?: string, once = type + step + field) => {
    if (sent.has(once)) return;
    sent.add(once);
    queue.push({ ...base, type, step, field });
    if (queue.length > 19) flush();
  };
  const leave = () => {
    if (sent.has('start') && !done) push('abandon', stepShown(), lastField, 'abandon');
    flush();
  };

  model.subscribe((snapshot) => {
    for (const name in snapshot.values) if (snapshot.values[name] !== values[name]) lastField = name;
    values = snapshot.values;
    if (lastField) push('start', undefined, undefined, 'start');
    if (snapshot.step) push('step', stepShown());
    // What the model shows as an error: a field left with one, or every field on a submit.
    for (const { name } of definition.fields) if (model.errorOf(name)) push('field_error', steps?.find((step) => step.fields.includes(name))?.id, name);
    if (snapshot.status === 'success') {
      done = true;
      flush();
    }
  });
  addEventListener('pagehide', leave);
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leave());
  new IntersectionObserver(
    (entries, observer) => {
      // Half the form, or half the screen for a form taller than that.
      if (entries.some((entry) => entry.intersectionRatio >= 0.5 || entry.intersectionRect.height * 2 >= (entry.rootBounds?.height ?? 1e9))) {
        observer.disconnect();
        push('view');
      }
    },
    { threshold: [0, 0.25, 0.5, 0.75, 1] },
  ).observe((container as ShadowRoot).host ?? container);
}
