/**
 * Browser tests in real Chromium against the real relay on Node (a fresh data folder per run).
 * `npm test` builds the widget first; run `npm run build` before `npx playwright test` alone.
 */
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.ts';

const PORT = Number(process.env.E2E_PORT ?? 8799);
/** The admin token the relay under test is started with (e2e/admin.spec.ts signs in with it). */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-not-secret-0123456789';
const found = await findChromium();

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: { args: CHROMIUM_ARGS, ...('path' in found && found.path ? { executablePath: found.path } : {}) },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node --import tsx src/runtime/node/index.ts',
    url: `http://localhost:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    // HOST empty: every interface, whatever the shell set, so that localhost reaches it.
    env: { PORT: String(PORT), HOST: '', LEADFORM_DATA_DIR: mkdtempSync(join(tmpdir(), 'leadform-e2e-')), LEADFORM_ADMIN_TOKEN: E2E_ADMIN_TOKEN },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
