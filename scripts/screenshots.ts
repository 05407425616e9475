/**
 * `npm run screenshots`: PNGs of every embed mode of the `showcase` form, as a visitor sees it,
 * for the README and for reviewing the widget's look. It starts the relay on Node (the demo
 * configuration, a temporary data folder) and photographs `public/screenshots.html` in Chromium
 * (as scripts/chromium.ts finds it): declarative, the popup open, the iframe, the error summary
 * after an empty submit, and the success state, each 375 px and 1280 px wide, on a light and a
 * dark host page. Writes them and an index (`README.md`) into docs/screenshots/, or `--out DIR`.
 * Needs the widget built (`npm run build`; `npm run screenshots` builds first).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { silentLog } from '../src/relay/log.ts';
import { startNodeRelay } from '../src/runtime/node/server.ts';
import { CHROMIUM_ARGS, findChromium, HOW_TO_GET_CHROMIUM } from './chromium.ts';

export const MODES = ['declarative', 'popup', 'iframe', 'error-summary', 'success'] as const;
export const WIDTHS = [375, 1280] as const;
export const THEMES = ['light', 'dark'] as const;
type Mode = (typeof MODES)[number];

/** No shot is taller than this: a long page is cut, not shrunk. */
export const MAX_HEIGHT = 2000;
const FORM = 'showcase';

const WHAT: Record<Mode, string> = {
  declarative: 'Declarative embed (`<div data-leadform>`), as it first renders',
  popup: 'Popup, open (`data-leadform-open` button)',
  iframe: 'Iframe embed, resized by the script on the host page',
  'error-summary': 'Error summary, after Send on an empty form',
  success: 'Success state, after a valid submission reached the relay',
};

export const fileName = (mode: Mode, width: number, theme: string) => `${mode}-${width}-${theme}.png`;

async function main(): Promise<void> {
  const outAt = process.argv.indexOf('--out');
  const out = resolve(outAt > 0 && process.argv[outAt + 1] ? process.argv[outAt + 1]! : 'docs/screenshots');
  const found = await findChromium();
  if ('missing' in found) {
    console.error(`screenshots: ${found.missing}\n${HOW_TO_GET_CHROMIUM}`);
    process.exit(1);
  }
  const config = JSON.parse(readFileSync('leadform.config.json', 'utf8')) as { forms: Record<string, Record<string, unknown>> };
  // A photographer fills faster than a person: no minimum fill time, so the success shot needs no wait.
  config.forms[FORM]!.minFillMs = 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'leadform-screenshots-'));
  const started = await startNodeRelay({ config, port: 0, hostname: '127.0.0.1', dataDir, log: silentLog });
  if (!started.ok) {
    console.error(`screenshots: the relay did not start:\n${started.problems.join('\n')}`);
    process.exit(1);
  }
  const relay = started.value;
  const browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(found.path ? { executablePath: found.path } : {}) });
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  try {
    for (const mode of MODES) {
      for (const width of WIDTHS) {
        for (const theme of THEMES) {
          const context = await browser.newContext({ viewport: { width, height: width < 500 ? 812 : 800 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
          const page = await context.newPage();
          const file = fileName(mode, width, theme);
          await shoot(page, relay.url, mode, theme, join(out, file));
          await context.close();
          written.push(file);
          console.log(`screenshots: ${file}`);
        }
      }
    }
  } finally {
    await browser.close();
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  writeFileSync(join(out, 'README.md'), index());
  console.log(`screenshots: ${written.length} PNGs and README.md in ${out}`);
}

async function shoot(page: Page, relay: string, mode: Mode, theme: string, file: string): Promise<void> {
  const pageMode = mode === 'error-summary' || mode === 'success' ? 'declarative' : mode;
  await page.goto(`${relay}/demo/screenshots.html?mode=${pageMode}&theme=${theme}&form=${FORM}`);
  const events = () => page.evaluate(() => (window as unknown as { events: string[] }).events);
  const form = page.locator(`[data-leadform="${FORM}"]`);
  if (mode === 'popup') {
    await page.waitForFunction(() => (window as { LeadForm?: { loaded?: boolean } }).LeadForm?.loaded);
    await page.getByRole('button', { name: 'Request a quote' }).click();
    await page.locator(`[data-leadform-popup="${FORM}"] dialog[open]`).waitFor();
  } else {
    await page.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('ready'));
  }
  if (mode === 'iframe') {
    // The parent script sizes the frame to its form: from the page's 150 px to the form's height.
    await page.waitForFunction(() => (document.querySelector('iframe')?.getBoundingClientRect().height ?? 0) > 300);
  }
  if (mode === 'error-summary') {
    await form.locator('button[type="submit"]').click();
    await form.locator('[aria-invalid="true"]').first().waitFor();
  }
  if (mode === 'success') {
    await form.locator('input[name="name"]').fill('Grace Hopper');
    await form.locator('input[name="email"]').fill('grace@example.com');
    await form.locator('select[name="plan"]').selectOption('growth');
    await form.locator('input[name="team_size"][value="11-50"]').check();
    await form.locator('input[name="consent"]').check();
    await form.locator('button[type="submit"]').click();
    await page.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('success'), undefined, { timeout: 15_000 });
    if (!(await events()).includes('success')) throw new Error(`no success event: ${(await events()).join()}`);
  }
  // Let transitions and fonts settle so each shot shows the resting state.
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
  if (mode === 'popup') {
    await page.screenshot({ path: file });
    return;
  }
  const size = await page.evaluate(() => ({ width: document.documentElement.clientWidth, height: document.documentElement.scrollHeight }));
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: size.width, height: Math.min(size.height, MAX_HEIGHT) } });
}

function index(): string {
  const lines = [
    '# leadform screenshots',
    '',
    'Every embed mode of the `showcase` form, 375 px and 1280 px wide, on a light and a dark host page',
    '(`public/screenshots.html`). Written by `npm run screenshots` (`scripts/screenshots.ts`); run it again',
    'after a change to the widget’s look and commit the PNGs it rewrites.',
    '',
  ];
  for (const mode of MODES) {
    const cell = (width: number, theme: string) => `[![${mode}, ${width} px, ${theme}](${fileName(mode, width, theme)})](${fileName(mode, width, theme)})`;
    lines.push(
      `## ${WHAT[mode]}`,
      '',
      ...table([['', ...THEMES], ...WIDTHS.map((width) => [`${width} px`, ...THEMES.map((theme) => cell(width, theme))])]),
      '',
    );
  }
  return lines.join('\n');
}

/** A markdown table with its columns padded, as the repository's formatter writes them. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(3, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)];
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
