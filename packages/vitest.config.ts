/**
 * The framework packages' tests (server rendering, the build): `npx vitest run --config packages/vitest.config.ts`,
 * registered in scripts/test.ts. Kept apart from the widget's Vitest run, which builds with preact's JSX.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { include: ['packages/**/*.test.ts'], testTimeout: 60_000 },
});
