/**
 * Builds one framework package (`vite build --config packages/vite.config.ts --mode react|vue`)
 * into `packages/<name>/dist/index.js`, an ES module with its framework left as a peer import.
 * `npm run build:packages` builds both and their type declarations (`tsc -p packages/<name>`).
 * `LEADFORM_PACKAGES_OUT` writes elsewhere (the build test uses a temporary folder).
 */
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => {
  if (mode !== 'react' && mode !== 'vue') throw new Error(`--mode must be react or vue, not "${mode}"`);
  return {
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: process.env.LEADFORM_PACKAGES_OUT ? `${process.env.LEADFORM_PACKAGES_OUT}/${mode}` : `packages/${mode}/dist`,
      emptyOutDir: true,
      target: 'es2020',
      // Readable output: the app that imports it minifies it with everything else.
      minify: false,
      sourcemap: false,
      lib: { entry: `packages/${mode}/src/index.ts`, formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: { external: (id: string) => id === mode || id.startsWith(`${mode}/`) },
    },
  };
});
