/**
 * Finds a Chromium for the browser tests: $LEADFORM_CHROMIUM if set, else Playwright's own
 * download when present, else the system's. Returns undefined to mean "Playwright's own".
 */
import { existsSync } from 'node:fs';

const SYSTEM: string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export type FoundChromium = { path: string | undefined } | { missing: string };

export async function findChromium(): Promise<FoundChromium> {
  const fromEnv = process.env.LEADFORM_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { missing: `LEADFORM_CHROMIUM=${fromEnv} does not exist` };
  try {
    const { chromium } = await import('@playwright/test');
    if (existsSync(chromium.executablePath())) return { path: undefined };
  } catch {
    // Playwright without its own browsers: fall through to the system's.
  }
  const system = SYSTEM.find((path) => existsSync(path));
  return system ? { path: system } : { missing: 'no Chromium found' };
}

export const HOW_TO_GET_CHROMIUM = `Browser tests need Chromium. Get one of:
  - Debian/Ubuntu:  sudo apt-get install -y chromium
  - any OS:         npx playwright install chromium
  - or point LEADFORM_CHROMIUM at a Chromium or Chrome executable.`;

/** Flags for headless Chromium in containers and on machines without a network. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'];
