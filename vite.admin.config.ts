/**
 * Builds the admin page (admin/) into dist/admin/: index.html and admin.js, served by the relay
 * at /admin. Kept apart from the widget's vite.config.ts: a page for operators, not a widget.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'admin',
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  publicDir: false,
  build: {
    outDir: '../dist/admin',
    emptyOutDir: true,
    target: 'es2020',
    assetsDir: '',
    rolldownOptions: { output: { entryFileNames: 'admin.js', chunkFileNames: 'admin-[name].js', assetFileNames: 'admin-[name][extname]' } },
  },
});
