/**
 * The form's styles. They are adopted into the Shadow DOM as a constructable stylesheet, so they
 * work under a Content-Security-Policy without 'unsafe-inline', cannot leak into the host page,
 * and host CSS cannot reach in. Theme values arrive as custom properties the host may override.
 */
export const CSS = `
:host { all: initial; display: block; contain: layout style; }
.lf {
  --_primary: var(--lf-color-primary, #2563eb);
  --_text: var(--lf-color-text, #111827);
  --_bg: var(--lf-color-background, #ffffff);
  --_error: var(--lf-color-error, #b91c1c);
  --_radius: var(--lf-radius, 8px);
  --_space: var(--lf-spacing, 16px);
  font: 16px/1.5 var(--lf-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--_text); background: var(--_bg); box-sizing: border-box;
}
.lf *, .lf *::before, .lf *::after { box-sizing: inherit; }
.lf h2 { font-size: 1.25em; margin: 0 0 var(--_space); }
.field { display: flex; flex-direction: column; gap: 4px; margin: 0 0 var(--_space); }
label { font-weight: 600; }
.req { color: var(--_error); }
input, textarea, select {
  font: inherit; font-size: max(16px, 1em); color: inherit; background: #fff; width: 100%;
  border: 1px solid #6b7280; border-radius: var(--_radius); padding: 10px 12px; margin: 0;
}
textarea { min-height: 7em; resize: vertical; }
input:focus-visible, textarea:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid var(--_primary); outline-offset: 2px;
}
[aria-invalid="true"] { border-color: var(--_error); border-width: 2px; }
.error { color: var(--_error); font-size: .875em; margin: 0; }
.hint { color: #4b5563; font-size: .875em; margin: 0; }
button {
  font: inherit; font-weight: 600; cursor: pointer; border: 0; border-radius: var(--_radius);
  background: var(--_primary); color: #fff; padding: 12px 20px; min-height: 44px;
}
button[disabled] { opacity: .7; cursor: progress; }
.status { margin: var(--_space) 0 0; }
.status:empty { display: none; }
.success { font-size: 1.125em; }
.hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
`;

/** Attaches the styles to a shadow root: adopted where supported, else a <style> element. */
export function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }
}
