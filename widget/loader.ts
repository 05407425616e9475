/**
 * The loader: the only script a host page loads up front (`<script async src=…/v1/leadform.js>`).
 * It stays tiny: it replaces the `LeadForm` command-queue stub, finds `data-leadform` elements
 * (now and when added later), reserves their box so the page does not jump, and imports the form
 * bundle only when a form is needed. It also records the visit's attribution on every page, so a
 * lead that converts pages later still carries its campaign. Nothing here may throw into the
 * host page.
 */
import { attributionCommand, captureVisit } from './attribution-loader.ts';

type Command = unknown[];
interface Core {
  mount(element: HTMLElement, options: { form: string }): void;
  command(args: Command): void;
}
interface Stub {
  (...args: Command): void;
  q?: Command[];
}

((win: Window & { LeadForm?: Stub }, doc: Document) => {
  if (win.LeadForm && !win.LeadForm.q && 'loaded' in win.LeadForm) return;
  const script = doc.currentScript as HTMLScriptElement | null;
  const relay = new URL(script?.src || '/v1/leadform.js', location.href).origin;
  try {
    captureVisit(script?.dataset);
  } catch (error) {
    console.warn('[leadform]', error);
  }
  let core: Promise<Core> | undefined;
  const load = () =>
    (core ??= import(/* @vite-ignore */ `${relay}/v1/widget/form.js`).then((module: { boot(relay: string): Core }) =>
      module.boot(relay),
    ));
  const fail = (error: unknown) => console.warn('[leadform]', error);

  const queued = win.LeadForm?.q ?? [];
  const api = ((...args: Command) => {
    if (!attributionCommand(args)) load().then((c) => c.command(args), fail);
  }) as Stub & { loaded: true };
  api.loaded = true;
  win.LeadForm = api;
  for (const args of queued) api(...args);

  const seen = new WeakSet<Element>();
  const scan = () => {
    for (const element of doc.querySelectorAll<HTMLElement>('[data-leadform]')) {
      if (seen.has(element)) continue;
      seen.add(element);
      // Reserve the form's box before it renders, so the host page does not shift.
      if (!element.style.minHeight) element.style.minHeight = element.dataset.leadformHeight || '28rem';
      load().then((c) => c.mount(element, { form: element.dataset.leadform! }), fail);
    }
  };
  scan();
  new MutationObserver(scan).observe(doc.documentElement, { childList: true, subtree: true });
})(window, document);
