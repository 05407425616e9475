/**
 * Finds a Firefox for the Firefox browser tests: $LEADFORM_FIREFOX if set, else Debian's
 * `firefox-esr` or a system `firefox`. Playwright's own Firefox cannot be downloaded here, so
 * puppeteer-core drives this one over WebDriver BiDi.
 */
import { existsSync } from 'node:fs';

const SYSTEM = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr', '/usr/lib/firefox/firefox'];

export type FoundFirefox = { path: string } | { missing: string };

export function findFirefox(): FoundFirefox {
  const fromEnv = process.env.LEADFORM_FIREFOX;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { missing: `LEADFORM_FIREFOX=${fromEnv} does not exist` };
  const system = SYSTEM.find((path) => existsSync(path));
  return system ? { path: system } : { missing: 'no Firefox found' };
}

export const HOW_TO_GET_FIREFOX = `The Firefox browser tests need Firefox. Get one of:
  - Debian/Ubuntu:  sudo apt-get install -y firefox-esr
  - or point LEADFORM_FIREFOX at a Firefox executable.`;
