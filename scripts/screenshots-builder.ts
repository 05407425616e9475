/**
 * `node --import tsx scripts/screenshots-builder.ts`: PNGs of the admin page's form builder for
 * the README's "Build a form" section, each 1280 px and 375 px wide: the editor of a two-step form
 * with its live preview, the confirmation a publish asks for (its diff), and the relay's issue
 * with a draft shown at its control. It starts the relay on Node (the demo configuration, a
 * temporary data folder, an admin token of its own), saves the form through the admin API and
 * photographs the page in Chromium. Writes into docs/screenshots/ (or `--out DIR`). Needs
 * `npm run build` first.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { silentLog } from '../src/relay/log.ts';
import { startNodeRelay } from '../src/runtime/node/server.ts';
import { CHROMIUM_ARGS, findChromium, HOW_TO_GET_CHROMIUM } from './chromium.ts';

const TOKEN = 'screenshots-admin-token-0123456789abcdef';
const FORM_ID = 'spring-offer';
/** No shot is taller than this: a long page is cut, not shrunk. */
const MAX_HEIGHT = 2000;

const FORM = {
  title: { en: 'Book a demo', de: 'Demo buchen' },
  fields: [
    { name: 'name', type: 'text', label: 'Name', required: true },
    { name: 'email', type: 'email', label: 'Work email', required: true },
    { name: 'company', type: 'text', label: 'Company' },
    {
      name: 'size',
      type: 'select',
      label: 'Company size',
      options: [
        { value: '1-10', label: '1–10' },
        { value: '11-50', label: '11–50' },
        { value: '51+', label: '51 or more' },
      ],
    },
  ],
  steps: [
    { id: 'you', title: 'About you', fields: ['name', 'email'] },
    { id: 'company', title: 'Your company', fields: ['company', 'size'] },
  ],
  allowedOrigins: ['self'],
  destination: 'sandbox',
};

/** The page from its top, cut at MAX_HEIGHT; `viewport` for what the screen shows (a modal dialog over the page). */
async function shoot(page: Page, file: string, viewport = false): Promise<void> {
  const height = Math.min(MAX_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
  if (viewport) await page.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: page.viewportSize()!.width, height } });
  console.log(`screenshots-builder: ${file}`);
}

async function main(): Promise<void> {
  const outAt = process.argv.indexOf('--out');
  const out = resolve(outAt > 0 && process.argv[outAt + 1] ? process.argv[outAt + 1]! : 'docs/screenshots');
  const found = await findChromium();
  if ('missing' in found) {
    console.error(`screenshots-builder: ${found.missing}\n${HOW_TO_GET_CHROMIUM}`);
    process.exit(1);
  }
  const config = JSON.parse(readFileSync('leadform.config.json', 'utf8')) as unknown;
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-screenshots-'));
  const started = await startNodeRelay({
    config,
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
    log: silentLog,
    env: { ...process.env, LEADFORM_ADMIN_TOKEN: TOKEN },
  });
  if (!started.ok) {
    console.error(`screenshots-builder: the relay did not start:\n${started.problems.join('\n')}`);
    process.exit(1);
  }
  const relay = started.value;
  const browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(found.path ? { executablePath: found.path } : {}) });
  mkdirSync(out, { recursive: true });
  try {
    const saved = await fetch(`${relay.url}/v1/admin/forms/${FORM_ID}/draft`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(FORM),
    });
    if (!saved.ok) throw new Error(`the draft was refused: HTTP ${saved.status} ${await saved.text()}`);
    for (const width of [1280, 375]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`${relay.url}/admin#view=forms&form=${FORM_ID}`);
      await page.getByLabel('Admin token (LEADFORM_ADMIN_TOKEN)').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('preview').locator('[data-preview]:not([hidden])').getByLabel('Name').waitFor();
      await page.getByRole('button', { name: /^Company size/ }).click();
      await shoot(page, join(out, `builder-editor-${width}.png`));

      await page.getByRole('button', { name: 'Publish…' }).click();
      await page.getByRole('dialog').waitFor();
      await shoot(page, join(out, `builder-publish-${width}.png`), true);
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: /^Company \(company/ }).click();
      await page.getByLabel('Pattern (a regular expression the whole value matches)').fill('([A-Z');
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.locator('.issues').waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot(page, join(out, `builder-issues-${width}.png`));
      // The next width starts from the saved draft, not this browser's unsaved one.
      await page.evaluate(() => localStorage.clear());
      await page.close();
    }
  } finally {
    await browser.close();
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
