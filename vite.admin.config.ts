/**
 * Builds the admin page (admin/) into dist/admin/: index.html and admin.js, served by the relay
 * at /admin. Kept apart from the widget's vite.config.ts: a page for operators, not a widget.
 * Beside each file, a brotli and a gzip copy (scripts/precompress.ts). The names the build sets
 * itself (admin.js, index.html) are revalidated by the relay; any other chunk carries a content
 * hash in its name, which the relay caches for good (src/relay/assets.ts).
 */
import { defineConfig } from 'vite';
import { precompress } from './scripts/precompress.ts';

export default defineConfig({
  root: 'admin',
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompress()],
  publicDir: false,
  build: {
    outDir: '../dist/admin',
    emptyOutDir: true,
    target: 'es2020',
    assetsDir: '',
    rolldownOptions: { output: { entryFileNames: 'admin.js', chunkFileNames: 'admin-[name]-[hash].js', assetFileNames: 'admin-[name]-[hash][extname]' } },
  },
});
