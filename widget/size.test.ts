/**
 * Byte budgets for what a visitor downloads, measured on a fresh build of the current sources
 * (into a temporary folder, so a stale dist/ can neither pass nor fail this test):
 * - the loader, on every page with the snippet: at most 1 KB gzip;
 * - everything the form needs to render (the form bundle plus its largest locale chunk): at most
 *   16 KB gzip;
 * - the iframe parent's module: at most 1 KB gzip;
 * and a list of things that must never be in any shipped file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export const LOADER_MAX_GZIP = 1024;
export const FORM_MAX_GZIP = 16 * 1024;
export const PARENT_MAX_GZIP = 1024;

/** Never in the browser: secrets and their names, server-only code, debugging, eval (CSP). */
const FORBIDDEN = [
  'console.log',
  'debugger',
  'process.env',
  'Bearer',
  'LEADFORM_ADMIN_TOKEN',
  'apiTokenEnv',
  'allowedOrigins',
  'destinations',
  'better-sqlite3',
  'new Function',
  'eval(',
  'sourceMappingURL',
];

const LOCALE_CHUNK = /^(de|es|fr|pt|ru)-[\w-]+\.js$/;

let dir: string;
const files: Record<string, Buffer> = {};
const gzip = (name: string) => gzipSync(files[name]!, { level: 9 }).length;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-size-'));
  for (const mode of ['loader', 'production']) {
    await build({ configFile: join(import.meta.dirname, '..', 'vite.config.ts'), mode, logLevel: 'silent', build: { outDir: dir } });
  }
  for (const name of readdirSync(dir)) files[name] = readFileSync(join(dir, name));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('widget bundle size', () => {
  it(`keeps the loader at most ${LOADER_MAX_GZIP} bytes gzip`, () => {
    expect(gzip('leadform.js')).toBeLessThanOrEqual(LOADER_MAX_GZIP);
  });

  it(`keeps what the form downloads at most ${FORM_MAX_GZIP} bytes gzip`, () => {
    const locales = Object.keys(files).filter((name) => LOCALE_CHUNK.test(name));
    expect(locales).toHaveLength(5);
    // Every other chunk may be imported by the form bundle; count them all, plus the largest locale.
    const shared = Object.keys(files).filter((name) => name.endsWith('.js') && !LOCALE_CHUNK.test(name) && name !== 'leadform.js' && name !== 'parent.js');
    expect(shared).toContain('form.js');
    const total = shared.reduce((sum, name) => sum + gzip(name), 0) + Math.max(...locales.map(gzip));
    expect(total).toBeLessThanOrEqual(FORM_MAX_GZIP);
  });

  it(`keeps the iframe parent module at most ${PARENT_MAX_GZIP} bytes gzip`, () => {
    expect(gzip('parent.js')).toBeLessThanOrEqual(PARENT_MAX_GZIP);
  });

  it('ships nothing that must stay out of the browser', () => {
    for (const [name, bytes] of Object.entries(files)) {
      const text = bytes.toString('utf8');
      for (const word of FORBIDDEN) expect(text.includes(word), `${name} contains ${word}`).toBe(false);
    }
  });
});
