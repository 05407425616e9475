/**
 * How the form engine's chunks (steps, phone) bring their styles: each exports its rules, and the
 * form adds them to its shadow root beside its own stylesheet (styles.ts) when it loads the
 * chunk, so forms without steps or phones never download them. The rules use logical
 * properties, so right-to-left forms mirror.
 */

/** Adds `css` to the shadow root `container` is in, as a constructable stylesheet (CSP-safe). */
export function adoptCss(container: Element | ShadowRoot, css: string): void {
  const root = container.getRootNode() as ShadowRoot;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    // A browser without constructable stylesheets shows the chunk's parts unstyled, still usable.
  }
}
