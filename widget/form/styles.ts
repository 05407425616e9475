/**
 * The form's styles. They are adopted into the Shadow DOM as a constructable stylesheet, so they
 * work under a Content-Security-Policy without 'unsafe-inline', cannot leak into the host page,
 * and host CSS cannot reach in. Theme values arrive as custom properties: the host page's
 * `--lf-*` first, then the form definition's theme (`--lfd-*`, set by the form), then defaults.
 * A definition's `theme.preset` ("minimal", "rounded") adds a second sheet, a chunk of its own
 * (`themes/`), downloaded only by forms that name it, before the form renders (`adoptPreset`).
 *
 * Layout uses logical properties only (inline/block, start/end), so a right-to-left form mirrors
 * itself. The form's root carries `padding` wide enough for the focus ring (3px + 2px offset), so
 * an `overflow: hidden` parent or the iframe's edge cannot clip it. The phone breakpoint is a media
 * query, not a container query: size containment on the form would collapse it to nothing in a
 * host that sizes to its content (an inline-block, a centred flex column).
 */
import type { FormDefinition } from '../../src/schema/form.ts';
import { showDespiteEmpty } from '../show-despite-empty.ts';

// The popup chunk takes it from here, so the function stays in form.js rather than a chunk of its own.
export { showDespiteEmpty };

// One line: the stylesheet ships as written.
export const CSS = `:host{all:initial;display:block;contain:layout style}:host([hidden]){display:none}*{box-sizing:border-box}.lf{--_p:var(--lf-color-primary,var(--lfd-color-primary,#2563eb));--_t:var(--lf-color-text,var(--lfd-color-text,#111827));--_b:var(--lf-color-background,var(--lfd-color-background,#fff));--_e:var(--lf-color-error,var(--lfd-color-error,#b91c1c));--_r:var(--lf-radius,var(--lfd-radius,8px));--_s:var(--lf-spacing,var(--lfd-spacing,16px));display:block;inline-size:100%;padding:var(--_s);border-radius:var(--_r);font:16px/1.5 var(--lf-font,var(--lfd-font,system-ui,sans-serif));color:var(--_t);background:var(--_b);text-align:start}h2{font-size:1.25em;margin-block:0 var(--_s);margin-inline:0}.field{display:flex;flex-direction:column;gap:4px;margin-block:0 var(--_s);margin-inline:0;padding:0;border:0;min-inline-size:0}legend,label{font-weight:600;padding:0}.choice,.check>label{font-weight:400}.choice{display:flex;gap:12px;align-items:center;min-block-size:44px;unicode-bidi:plaintext}.check{display:grid;grid-template-columns:auto 1fr;column-gap:12px;align-items:start}.check>label{padding-block:10px}.check>a{grid-column:2;justify-self:start}.check>input{margin-block-start:10px}.req,.error{color:var(--_e)}input,textarea,select{font:inherit;font-size:max(16px,1em);color:inherit;background:#fff;inline-size:100%;block-size:calc(1.5em + 22px);border:1px solid #6b7280;border-radius:var(--_r);padding-block:10px;padding-inline:12px;margin:0}[type=checkbox],[type=radio]{inline-size:24px;block-size:24px;padding:0;flex:none;accent-color:var(--_p)}textarea{block-size:auto;min-block-size:7em;resize:vertical}:focus-visible{outline:3px solid var(--_p);outline-offset:2px}:not(fieldset)[aria-invalid=true]{border:2px solid var(--_e)}.error,.hint{font-size:.875em;margin:0}.hint{color:#4b5563}a{color:var(--_p)}button{font:inherit;font-weight:600;cursor:pointer;border:2px solid var(--_p);border-radius:var(--_r);background:var(--_p);color:#fff;padding-block:10px;padding-inline:20px;min-block-size:44px;margin:0;margin-inline-end:8px}@media (max-width:479.9px){form button{inline-size:100%;margin-inline-end:0;margin-block-end:8px}}[aria-disabled=true]{opacity:.75;cursor:progress}.retry{background:#fff;color:var(--_p)}.status{margin-block:var(--_s) 0;margin-inline:0}.status:empty{display:none}.invalid,.failed,.rejected{padding-block:12px;padding-inline:16px;border-inline-start:4px solid var(--_e);border-radius:var(--_r);background:#fef2f2;color:var(--_e);font-weight:600}.status p,.status h2{margin:0}.status ul{margin-block:4px 0;padding-inline-start:20px;font-weight:400}.status li{margin-block:4px}.status a{color:inherit}.done{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;min-block-size:14em;margin:0;padding:var(--_s);text-align:center}.icon{inline-size:56px;block-size:56px;fill:var(--_p);stroke:#fff;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}.icon path{fill:none}.hp{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%)}`;

type PresetModule = { default: string };
const PRESETS: Record<string, () => Promise<PresetModule>> = {
  minimal: () => import('./themes/minimal.ts'),
  rounded: () => import('./themes/rounded.ts'),
};

/** One parsed sheet per stylesheet text, shared by every form on the page. */
const sheets = new Map<string, CSSStyleSheet>();

/** Adds `css` to a shadow root: adopted where constructable sheets exist, else a <style> element. */
export function attach(root: ShadowRoot, css: string): void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    let sheet = sheets.get(css);
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(css);
    sheets.set(css, sheet);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}

/**
 * Attaches the styles to a shadow root (adopted where supported, else a <style> element) and
 * keeps its host (once in the document) visible under `:empty` resets.
 */
export function adoptStyles(root: ShadowRoot): void {
  attach(root, CSS);
  showDespiteEmpty(root.host as HTMLElement);
}

/**
 * Brings the definition's `theme.preset` sheet into the shadow root `container` is in, before the
 * form first renders, so the default look never flashes first. A chunk that fails, or takes over
 * 3 s, leaves the default look (a complete design of its own); a late one still applies.
 */
export async function adoptPreset(container: Element | ShadowRoot, { theme }: Pick<FormDefinition, 'theme'>): Promise<void> {
  const root = container.getRootNode();
  const preset = theme?.preset;
  if (!preset || !Object.hasOwn(PRESETS, preset) || !(root instanceof ShadowRoot)) return;
  const loaded = PRESETS[preset]!().then(
    (module) => attach(root, module.default),
    (error: unknown) => console.warn('[leadform] theme preset', preset, error),
  );
  await Promise.race([loaded, new Promise((done) => setTimeout(done, 3000))]);
}
