/**
 * The loader's side of attribution: it imports the capture module (`attribution.ts`, built as
 * `widget/attribution.js` next to `form.js`) after the page has its script, and hands it the
 * visit and the `LeadForm('consent' | 'set', …)` commands. Capture itself is about 1 KB gzip, so
 * it stays out of the loader, whose whole budget is 1 KB; the form bundle imports the same module
 * file, so both share one state.
 */
type Capture = typeof import('./attribution.ts');

let capture: Promise<Capture> | undefined;
let moduleUrl = '';

/** Reports a failure without throwing into the host page (the loader's too). */
export const warn = (error: unknown): void => console.warn('[leadform]', error);

/** The capture module, imported once; for loader code that needs `readAttribution` (iframe mode). */
export const loadAttribution = (): Promise<Capture> => (capture ??= import(/* @vite-ignore */ moduleUrl));

/**
 * Records this page's visit. Call it while the loader script runs; `relay` is the origin the
 * loader came from, `settings` the script tag's data-* attributes (see `captureVisit` in
 * `attribution.ts`).
 */
export function captureVisit(relay: string, settings?: DOMStringMap): void {
  // Beside form.js, which the loader imports from the same origin: one URL, one module.
  moduleUrl = `${relay}/v1/widget/attribution.js`;
  // The address as the page was opened: a single-page app may rewrite it (dropping ?utm_…) before
  // the module has downloaded.
  const href = location.href;
  loadAttribution().then((module) => module.captureVisit(settings || {}, href), warn);
}

/** Takes the `LeadForm(...)` commands about attribution; true when `args` was one of them. */
export function attributionCommand(args: unknown[]): boolean {
  const handled = args[0] == 'consent' || args[0] == 'set';
  // One promise, so commands run after this page's capture, in the order they were given.
  if (handled) loadAttribution().then((module) => module.attributionCommand(args), warn);
  return handled;
}
