/**
 * Styles of the form engine's chunks (steps, phone), adopted beside the form's own stylesheet
 * (styles.ts) by the chunk that needs them, so forms without steps or phones never download them.
 * Logical properties throughout, so right-to-left forms mirror.
 */

/** The steps' progress, bar and Back button. */
export const STEPS_CSS = `.lf-progress{font-size:.875em;margin:0 0 4px;color:#4b5563}.lf-bar{block-size:6px;border-radius:3px;background:#e5e7eb;margin:0 0 var(--_s);overflow:hidden}.lf-bar>span{display:block;block-size:100%;background:var(--_p);transition:inline-size .2s ease}h3{font-size:1.125em;margin:0 0 var(--_s)}h3:focus{outline:none}h3:focus-visible{outline:3px solid var(--_p)}.back{background:#fff;color:var(--_p)}@media (prefers-reduced-motion:reduce){.lf-bar>span{transition:none}}`;

/** The phone field's country choice beside its number. */
export const PHONE_CSS = `.lf-phone{display:flex;gap:8px;align-items:stretch}.lf-phone>input{flex:1;min-inline-size:0}.lf-cc{position:relative;flex:none;inline-size:7.5em}.lf-cc>input{inline-size:100%}.lf-cc [role=listbox]{position:absolute;z-index:1;inset-inline-start:0;inset-block-start:100%;margin:4px 0 0;padding:4px 0;list-style:none;background:#fff;border:1px solid #6b7280;border-radius:var(--_r);max-block-size:16em;overflow:auto;inline-size:18em;max-inline-size:80vw}.lf-cc [role=option]{padding:6px 12px;cursor:pointer}.lf-cc [aria-selected=true]{background:var(--_p);color:#fff}`;

const sheets = new Map<string, CSSStyleSheet>();

/** Adds `css` to the shadow root the form renders in, once. */
export function adoptCss(container: Element | ShadowRoot, css: string): void {
  const root = container instanceof ShadowRoot ? container : container.getRootNode();
  if (!(root instanceof ShadowRoot)) return;
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    let sheet = sheets.get(css);
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(css);
    sheets.set(css, sheet);
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else if (![...root.querySelectorAll('style')].some((style) => style.textContent === css)) {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}
