/**
 * Builds the widget into dist/widget/ in two passes, because the two files load differently:
 * - `vite build --mode loader`: leadform.js, a classic script (IIFE) for `<script async src>`.
 * - `vite build`: ES modules the loader imports: form.js on first need (with one small chunk per
 *   locale), attribution.js on every page (form.js and parent.js share it), and parent.js only
 *   when a leadform iframe on the page speaks to it.
 * `npm run build` runs both. Each pass writes a brotli and a gzip copy beside every file it
 * builds (scripts/precompress.ts) for the Node relay to serve. Vitest reads its settings from here too.
 */
import { defineConfig } from 'vite';
import { precompress } from './scripts/precompress.ts';

// Never the development transform, whose `__self` and `__source` props the widget's renderer (widget/form/dom.ts) would draw as attributes under Vitest.
const jsx = { runtime: 'automatic', importSource: 'preact', development: false } as const;

export default defineConfig(({ mode }) => ({
  oxc: { jsx },
  plugins: [precompress()],
  // public/ holds the demo pages the relay serves itself; none of it belongs in the widget build.
  publicDir: false,
  build: {
    outDir: 'dist/widget',
    // The loader pass runs first and clears stale chunks; the second pass adds to it.
    emptyOutDir: mode === 'loader',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    // Library mode keeps ES output readable by default; the widget is shipped, not imported, so
    // the bundler's `@__PURE__` marks (about 90 bytes gzip in form.js) go too. Licence comments stay.
    // The popup chunk keeps a fixed name: the loader starts it with form.js when a page has a popup
    // button (widget/loader.ts), by the URL form.js imports it by. The relay serves a name without a
    // hash with a short cache and an ETag; every other chunk is hashed and immutable.
    rolldownOptions: {
      output: {
        minify: true,
        comments: { legal: true, annotation: false, jsdoc: false },
        chunkFileNames: (chunk) => (chunk.name === 'popup' ? '[name].js' : '[name]-[hash].js'),
      },
      preserveEntrySignatures: 'allow-extension',
    },
    lib:
      mode === 'loader'
        ? { entry: 'widget/loader.ts', formats: ['iife'], name: 'LeadFormLoader', fileName: () => 'leadform.js' }
        : {
            entry: { form: 'widget/form/index.tsx', attribution: 'widget/attribution.ts', parent: 'widget/form/parent.ts' },
            formats: ['es'],
            fileName: (_, name) => `${name}.js`,
          },
  },
  test: {
    include: ['src/**/*.test.ts', 'widget/**/*.test.ts', 'widget/**/*.test.tsx', 'scripts/**/*.test.ts', 'admin/**/*.test.ts'],
    testTimeout: 20_000,
  },
}));
