/**
 * The form's styles. They are adopted into the Shadow DOM as a constructable stylesheet, so they
 * work under a Content-Security-Policy without 'unsafe-inline', cannot leak into the host page,
 * and host CSS cannot reach in. Theme values arrive as custom properties: the host page's
 * `--lf-*` first, then the form definition's theme (`--lfd-*`, set by the form), then defaults.
 */
// One line: the stylesheet ships as written.
export const CSS = `:host{all:initial;display:block;contain:layout style}*{box-sizing:border-box}.lf{--_p:var(--lf-color-primary,var(--lfd-color-primary,#2563eb));--_t:var(--lf-color-text,var(--lfd-color-text,#111827));--_b:var(--lf-color-background,var(--lfd-color-background,#fff));--_e:var(--lf-color-error,var(--lfd-color-error,#b91c1c));--_r:var(--lf-radius,var(--lfd-radius,8px));--_s:var(--lf-spacing,var(--lfd-spacing,16px));display:block;font:16px/1.5 var(--lf-font,var(--lfd-font,system-ui,sans-serif));color:var(--_t);background:var(--_b);text-align:start}h2{font-size:1.25em;margin:0 0 var(--_s)}.field{display:flex;flex-direction:column;gap:4px;margin:0 0 var(--_s);padding:0;border:0;min-width:0}legend,label{font-weight:600;padding:0}.choice,.check{display:flex;gap:8px;align-items:center;font-weight:400;flex-wrap:wrap}.req,.error{color:var(--_e)}input,textarea,select{font:inherit;font-size:max(16px,1em);color:inherit;background:#fff;width:100%;border:1px solid #6b7280;border-radius:var(--_r);padding:10px 12px;margin:0}[type=checkbox],[type=radio]{width:20px;height:20px;padding:0;flex:none;accent-color:var(--_p)}textarea{min-height:7em;resize:vertical}:focus-visible{outline:3px solid var(--_p);outline-offset:2px}[aria-invalid=true]{border:2px solid var(--_e)}.error,.hint{font-size:.875em;margin:0}.hint{color:#4b5563}a{color:var(--_p)}button{font:inherit;font-weight:600;cursor:pointer;border:2px solid var(--_p);border-radius:var(--_r);background:var(--_p);color:#fff;padding:10px 20px;min-height:44px;margin:0 8px 0 0}[aria-disabled=true]{opacity:.75;cursor:progress}.retry{background:#fff;color:var(--_p)}.status{margin:var(--_s) 0 0}.status:empty{display:none}.done{font-size:1.125em;margin:0}.hp{position:absolute;left:-1e4px;width:1px;height:1px;overflow:hidden}dialog{border:0;border-radius:var(--_r);padding:0;width:min(32rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);overflow:auto}dialog::backdrop{background:#111827a0}dialog .lf{padding:24px}.close{position:sticky;float:right;top:8px;margin:8px;background:#fff;color:#111827;border-color:#fff;padding:0;width:44px;font-size:24px;line-height:1}`;

let sheet: CSSStyleSheet | undefined;

/** Attaches the styles to a shadow root: adopted where supported, else a <style> element. */
export function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    // One sheet shared by every form on the page: parsed once, adopted by each shadow root.
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }
}
