/**
 * The form's styles. They are adopted into the Shadow DOM as a constructable stylesheet, so they
 * work under a Content-Security-Policy without 'unsafe-inline', cannot leak into the host page,
 * and host CSS cannot reach in. Theme values arrive as custom properties: the host page's
 * `--lf-*` first, then the form definition's theme (`--lfd-*`, set by the form), then defaults.
 */
export const CSS = `
:host{all:initial;display:block;contain:layout style}
.lf{
--_primary:var(--lf-color-primary,var(--lfd-color-primary,#2563eb));
--_text:var(--lf-color-text,var(--lfd-color-text,#111827));
--_bg:var(--lf-color-background,var(--lfd-color-background,#fff));
--_error:var(--lf-color-error,var(--lfd-color-error,#b91c1c));
--_radius:var(--lf-radius,var(--lfd-radius,8px));
--_space:var(--lf-spacing,var(--lfd-spacing,16px));
display:block;font:16px/1.5 var(--lf-font,var(--lfd-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif));
color:var(--_text);background:var(--_bg);box-sizing:border-box;text-align:start
}
.lf *,.lf *::before,.lf *::after{box-sizing:inherit}
h2{font-size:1.25em;margin:0 0 var(--_space)}
.field{display:flex;flex-direction:column;gap:4px;margin:0 0 var(--_space);padding:0;border:0;min-width:0}
legend,label{font-weight:600;padding:0}
.choice,.check{display:flex;gap:8px;align-items:center;font-weight:400}
.check{flex-direction:row;flex-wrap:wrap}
.req{color:var(--_error)}
input,textarea,select{font:inherit;font-size:max(16px,1em);color:inherit;background:#fff;width:100%;border:1px solid #6b7280;border-radius:var(--_radius);padding:10px 12px;margin:0;display:block}
input[type=checkbox],input[type=radio]{width:20px;height:20px;padding:0;flex:none;accent-color:var(--_primary)}
textarea{min-height:7em;resize:vertical}
:focus-visible{outline:3px solid var(--_primary);outline-offset:2px}
[aria-invalid=true]{border-color:var(--_error);border-width:2px}
.error{color:var(--_error);font-size:.875em;margin:0}
.hint{color:#4b5563;font-size:.875em;margin:0}
a{color:var(--_primary)}
button{font:inherit;font-weight:600;cursor:pointer;border:2px solid var(--_primary);border-radius:var(--_radius);background:var(--_primary);color:#fff;padding:10px 20px;min-height:44px;margin:0 8px 0 0}
button[aria-disabled=true]{opacity:.75;cursor:progress}
.retry{background:#fff;color:var(--_primary)}
.status{margin:var(--_space) 0 0}
.status:empty{display:none}
.done{font-size:1.125em;margin:0}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
dialog{border:0;border-radius:var(--_radius);padding:0;width:min(32rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);overflow:auto;color:var(--_text);background:var(--_bg)}
dialog::backdrop{background:rgb(17 24 39/.6)}
dialog .lf{padding:24px}
.close{position:sticky;float:right;top:8px;margin:8px;background:var(--_bg);color:var(--_text);border-color:transparent;padding:0;width:44px;font-size:24px;line-height:1}
`;

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
