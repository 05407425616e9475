/**
 * `npm run screenshots` works where `npm test` runs: the script, run into a temporary folder,
 * writes one PNG per mode, width and host theme, each as wide as its viewport and no taller than
 * the ceiling, the dark host page differing from the light one, and an index naming every file.
 * Needs the widget built (`npm test` builds it first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium } from './chromium.ts';
import { fileName, MAX_HEIGHT, MODES, THEMES, WIDTHS } from './screenshots.ts';

// Without a Chromium the browser tests are not run either; npm test reports that once, as a problem.
const chromium = await findChromium();

const out = mkdtempSync(join(tmpdir(), 'leadform-screenshots-test-'));
const root = join(import.meta.dirname, '..');

describe.skipIf('missing' in chromium)('npm run screenshots', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/widget/leadform.js'))) throw new Error('the widget is not built: run `npm run build` first');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/screenshots.ts', '--out', out], { cwd: root, stdio: 'pipe' });
  }, 240_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  /** Width and height from a PNG's IHDR chunk, after checking its signature. */
  function pngSize(file: string): { width: number; height: number } {
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }

  test.each(MODES)('%s: a PNG per width and host theme, as wide as the page and of a plausible height', (mode) => {
    for (const width of WIDTHS) {
      for (const theme of THEMES) {
        const size = pngSize(join(out, fileName(mode, width, theme)));
        expect(size.width).toBe(width);
        expect(size.height).toBeGreaterThanOrEqual(400);
        expect(size.height).toBeLessThanOrEqual(MAX_HEIGHT);
      }
      // The host theme is in the picture: the dark page is not the light one.
      expect(readFileSync(join(out, fileName(mode, width, 'dark'))).equals(readFileSync(join(out, fileName(mode, width, 'light'))))).toBe(false);
    }
  });

  test('the index names every screenshot', () => {
    const index = readFileSync(join(out, 'README.md'), 'utf8');
    for (const mode of MODES) for (const width of WIDTHS) for (const theme of THEMES) expect(index).toContain(`(${fileName(mode, width, theme)})`);
  });
});
