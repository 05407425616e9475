/**
 * What the React and Vue components share, bundled into each: the host element's attributes (the
 * same on the server and in the browser, so hydration matches), the `render` command sent through
 * the page's `LeadForm` command queue, and the loader script added once per page. The components
 * only render the declarative embed; the form itself is the one the loader downloads, never a
 * second copy. Nothing here is called while rendering, so a server never reaches `window`.
 */

/** A field's value as the form holds it: text, a ticked box, a number, or the options ticked in a group. */
export type FieldValue = string | boolean | number | string[];

/** The detail of each `leadform:*` DOM event, as the widget dispatches it. */
export interface LeadFormEventDetail {
  /** The form rendered and can be used. */
  ready: { formId: string };
  /**
   * A step of a form with `steps` is shown: the first once the form is ready, then each one the
   * visitor moves to. `step` is its id, `index` counts from 0, `total` is how many are shown.
   */
  step: { formId: string; step: string; index: number; total: number };
  /** The visitor submitted a valid form; it is being sent. */
  submit: { formId: string };
  /** The relay stored the lead; `id` is its submission id. */
  success: { formId: string; id: string };
  /**
   * Sending failed, or the form could not load. `error` is the relay's error code, `"unavailable"`
   * (network or 5xx), `"offline"` (kept, sent later) or `"not_loaded"`.
   */
  error: { formId: string; status: number; error: string };
}
export type LeadFormEventName = keyof LeadFormEventDetail;
export const EVENT_NAMES: readonly LeadFormEventName[] = ['ready', 'step', 'submit', 'success', 'error'];

/** The loader reserves this box before the form renders, so the page below it does not move. */
export const DEFAULT_HEIGHT = '28rem';

export interface EmbedOptions {
  /** The form id, as in `data-leadform="…"`. */
  form: string;
  /**
   * The relay's origin, e.g. `"https://relay.example.com"`; the loader comes from
   * `${relay}/v1/leadform.js`. One relay per page: the first loader on the page serves every form.
   * @default "" (the page's own origin)
   */
  relay?: string;
  /** Field values to start with, by field name; read once, when the form renders. @default {} */
  prefill?: Record<string, FieldValue>;
  /** The box reserved before the form renders (any CSS length). @default "28rem" */
  height?: string;
}

/** The host element's attributes, as both the server and the browser render them. */
export function hostAttributes(options: EmbedOptions): { 'data-leadform': string; 'data-leadform-height': string; style: { minHeight: string } } {
  const height = options.height || DEFAULT_HEIGHT;
  return { 'data-leadform': options.form, 'data-leadform-height': height, style: { minHeight: height } };
}

/** Where the loader lives on `relay`. */
export function loaderUrl(relay = ''): string {
  return `${relay.replace(/\/+$/, '')}/v1/leadform.js`;
}

type Command = unknown[];
interface Queue {
  (...args: Command): void;
  q?: Command[];
  loaded?: true;
}

/**
 * Renders the form into `host` once it is in the document: the `render` command goes through the
 * page's queue (the same stub the snippet installs, so calls made before the loader ran are replayed
 * in order), then the loader is added unless the page already has it. The loader replays the queue
 * before it scans for `data-leadform` elements, and once loaded it runs a command before the scan a
 * new element triggers, so the prefill is never lost to a bare mount. Never throws into the page.
 */
export function renderEmbed(host: HTMLElement, options: EmbedOptions): void {
  try {
    const win = window as Window & { LeadForm?: Queue };
    let queue = win.LeadForm;
    if (!queue) {
      // The snippet's stub: it keeps calls until the loader replaces it and replays them.
      const stub: Queue = (...args: Command) => void (stub.q ??= []).push(args);
      queue = win.LeadForm = stub;
    }
    queue('render', { form: options.form, target: host, prefill: options.prefill ?? {} });
    if (!queue.loaded && !hasLoader()) {
      const script = document.createElement('script');
      script.async = true;
      script.src = loaderUrl(options.relay);
      document.head.append(script);
    }
  } catch (error) {
    console.warn('[leadform]', error);
  }
}

/** A loader already on the page (from the snippet, or another component), loaded or not yet. */
function hasLoader(): boolean {
  for (const script of document.scripts) if (script.src && new URL(script.src, location.href).pathname === '/v1/leadform.js') return true;
  return false;
}

/** Calls `handler` with each `leadform:*` event `host` dispatches; returns the function that stops it. */
export function listenTo(host: HTMLElement, handler: <E extends LeadFormEventName>(name: E, detail: LeadFormEventDetail[E]) => void): () => void {
  const listeners = EVENT_NAMES.map((name) => {
    const listener = (event: Event) => {
      // A handler the page passed that throws must not reach the form.
      try {
        handler(name, (event as CustomEvent).detail);
      } catch (error) {
        console.warn('[leadform]', error);
      }
    };
    host.addEventListener(`leadform:${name}`, listener);
    return () => host.removeEventListener(`leadform:${name}`, listener);
  });
  return () => {
    for (const stop of listeners) stop();
  };
}
