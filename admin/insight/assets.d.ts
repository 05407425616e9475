// The admin page's policy takes style elements only (no stylesheet link: style-src 'unsafe-inline'),
// so the view's stylesheets come in as text (vite's ?inline) and go into a style element.
declare module '*.css?inline' {
  const css: string;
  export default css;
}
