/**
 * The browser tests that matter most, in Firefox (puppeteer-core over WebDriver BiDi):
 * `npm run build && npx vitest run --config e2e/firefox/vitest.config.ts`, registered in
 * scripts/test.ts. They skip, saying why, where no Firefox is found.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['e2e/firefox/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Firefox at a time: the machine is small and each test already waits on a real browser.
    fileParallelism: false,
  },
});
