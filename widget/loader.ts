/**
 * The loader: the only script a host page loads up front (`<script async src=…/v1/leadform.js>`).
 * It stays tiny: it replaces the `LeadForm` command-queue stub and replays its calls in order,
 * finds `data-leadform` elements (now and when added later), reserves their box so the page does
 * not jump, opens popups from `data-leadform-open` buttons, hands leadform iframes' messages to
 * `form/parent.ts`, and imports the form bundle only when a form is needed. It also records
 * the visit's attribution on every page, so a lead that converts pages later still carries its
 * campaign. Nothing here may throw into the host page.
 */
import { attributionCommand, captureVisit, warn } from './attribution-loader.ts';
import { showDespiteEmpty } from './show-despite-empty.ts';

type Command = unknown[];
type Definitions = Map<string, Promise<Response>>;
interface Core {
  mount(element: HTMLElement, options: { form: string }): void;
  command(args: Command): void;
}
interface Stub {
  (...args: Command): void;
  q?: Command[];
  loaded?: true;
}

((win: Window & { LeadForm?: Stub }, doc: Document) => {
  if (win.LeadForm?.loaded) return;
  const script = doc.currentScript as HTMLScriptElement | null;
  const relay = new URL(script?.src || '/v1/leadform.js', location.href).origin;
  // It cannot throw: it only starts an import, whose failure it reports.
  captureVisit(relay, script?.dataset);
  let core: Promise<Core> | undefined;
  const load = () =>
    (core ??= import(/* @vite-ignore */ `${relay}/v1/widget/form.js`).then((module: { boot(relay: string, options: { definitions: Definitions }): Core }) =>
      module.boot(relay, { definitions }),
    ));

  // Each form's definition (with the words of the page's language) downloads alongside form.js,
  // not after it: HTML, loader, then everything the form needs at once. The core reads each once.
  const definitions: Definitions = new Map();
  const asked = new Set<string>();
  const prefetch = (form: unknown) => {
    if (typeof form !== 'string' || asked.has(form)) return;
    asked.add(form);
    const response = fetch(
      `${relay}/v1/forms/${encodeURIComponent(form)}?locale=${encodeURIComponent(doc.documentElement.lang || navigator.languages?.[0] || '')}`,
    );
    // The core reports a failure when it reads the answer; until then it is no unhandled rejection.
    response.catch(() => {});
    definitions.set(form, response);
  };

  const queued = win.LeadForm?.q ?? [];
  const api: Stub = (...args) => {
    try {
      if (args[0] === 'render' || args[0] === 'open') prefetch((args[1] as { form?: unknown } | undefined)?.form);
      // Attribution commands stay out of the form bundle: a page without a form never loads it.
      if (!attributionCommand(args)) load().then((c) => c.command(args), warn);
    } catch (error) {
      warn(error);
    }
  };
  api.loaded = true;
  win.LeadForm = api;
  for (const args of queued) api(...args);

  const seen = new WeakSet<Element>();
  const scan = () => {
    // A popup button: its form (bundle, definition, popup chunk) downloads now, all three at once,
    // so a click opens it at once rather than three round trips later. The popup chunk is built
    // under a fixed name (vite.config.ts) for this: the same URL form.js imports it by, one module.
    for (const button of doc.querySelectorAll<HTMLElement>('[data-leadform-open]')) {
      prefetch(button.dataset.leadformOpen);
      load().catch(warn);
      import(/* @vite-ignore */ `${relay}/v1/widget/popup.js`).catch(warn);
    }
    for (const element of doc.querySelectorAll<HTMLElement>('[data-leadform]')) {
      if (seen.has(element)) continue;
      seen.add(element);
      // Reserve the form's box before it renders, so the host page does not shift.
      if (!element.style.minHeight) element.style.minHeight = element.dataset.leadformHeight || '28rem';
      showDespiteEmpty(element);
      prefetch(element.dataset.leadform);
      load().then((c) => c.mount(element, { form: element.dataset.leadform! }), warn);
    }
  };
  scan();
  new MutationObserver(scan).observe(doc.documentElement, { childList: true, subtree: true });

  doc.addEventListener('click', (event) => {
    const button = (event.target as Element).closest?.<HTMLElement>('[data-leadform-open]');
    if (!button) return;
    event.preventDefault();
    api('open', { form: button.dataset.leadformOpen }, button);
  });

  // A leadform iframe speaks: only the relay's origin is heard, and the module that answers (size,
  // events, attribution) is downloaded only then.
  addEventListener('message', (event) => {
    if (event.origin === relay && event.data?.leadform === 1) {
      import(/* @vite-ignore */ `${relay}/v1/widget/parent.js`).then(
        (module: { answerFrame(event: MessageEvent, relay: string): void }) => module.answerFrame(event, relay),
        warn,
      );
    }
  });

  // A submission kept while offline on an earlier page is sent from this one.
  try {
    if (localStorage.getItem('leadform:queue')) load().catch(warn);
  } catch {
    // No storage (sandboxed frame, blocked cookies): nothing can be queued either.
  }
})(window, document);
