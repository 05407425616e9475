/**
 * The events a form dispatches on its host element: bubbling and composed DOM CustomEvents named
 * `leadform:<name>`, the same detail passed to `LeadForm('on', name, fn)` callbacks, and, where
 * Google Tag Manager's `window.dataLayer` exists, a push `{event: 'leadform_<name>', ...detail}`.
 */
export interface LeadFormEventDetail {
  /** The form rendered and can be used. */
  ready: { formId: string };
  /**
   * A step of a form with `steps` is shown: the first once the form is ready, then each one the
   * visitor moves to (Next, Back, the browser's Back and Forward). `step` is its id, `index`
   * counts from 0 among the steps shown, `total` is how many are shown for the values so far.
   */
  step: { formId: string; step: string; index: number; total: number };
  /** The visitor submitted a valid form; it is being sent. */
  submit: { formId: string };
  /** The relay stored the lead (`id` is its submission id). */
  success: { formId: string; id: string };
  /**
   * Sending failed. `error` is the relay's error code, `"unavailable"` for a network failure or
   * 5xx, or `"offline"` when the submission was kept to send once the browser is back online.
   */
  error: { formId: string; status: number; error: string };
}
export type LeadFormEventName = keyof LeadFormEventDetail;

declare global {
  interface HTMLElementEventMap {
    'leadform:ready': CustomEvent<LeadFormEventDetail['ready']>;
    'leadform:step': CustomEvent<LeadFormEventDetail['step']>;
    'leadform:submit': CustomEvent<LeadFormEventDetail['submit']>;
    'leadform:success': CustomEvent<LeadFormEventDetail['success']>;
    'leadform:error': CustomEvent<LeadFormEventDetail['error']>;
  }
}

export type Emit = <E extends LeadFormEventName>(event: E, detail: LeadFormEventDetail[E]) => void;

type Listener = (detail: unknown) => void;

/** Dispatches events for every form of one page and hands them to `LeadForm('on', …)` callbacks. */
export function createEvents(warn: (error: unknown) => void) {
  return {
    // The callbacks hear the page's events, not this module's: so they also hear a leadform
    // iframe's, which the parent script re-dispatches on the <iframe> element.
    on(name: string, listener: Listener) {
      document.addEventListener(`leadform:${name}`, (event) => {
        // A host page's callback that throws must not reach the form.
        try {
          listener((event as CustomEvent).detail);
        } catch (error) {
          warn(error);
        }
      });
    },
    emitter(host: EventTarget, forward?: (name: string, detail: unknown) => void): Emit {
      return (name, detail) => {
        host.dispatchEvent(new CustomEvent(`leadform:${name}`, { bubbles: true, composed: true, detail }));
        forward?.(name, detail);
        const dataLayer = (window as { dataLayer?: unknown }).dataLayer;
        if (Array.isArray(dataLayer)) dataLayer.push({ event: `leadform_${name}`, ...detail });
      };
    },
  };
}
