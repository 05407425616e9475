/**
 * Byte budgets of the admin page, measured on a fresh build of the current sources into a
 * temporary folder: the page an operator opens first (admin.js, the deliveries view) stays small
 * because the builder is a chunk of its own, downloaded only with the Forms view; and no file
 * carries server-only code.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** admin.js, gzip: the sign-in, the shell and the deliveries view (12.96 kB when this was set). */
const PAGE_MAX_GZIP = 16 * 1024;
/** The builder's chunk, gzip: its views, the form schema and checks, every language's words (47.85 kB when set). */
const BUILDER_MAX_GZIP = 64 * 1024;
const SERVER_ONLY = ['better-sqlite3', 'node:fs', 'process.env', 'LEADFORM_ADMIN_TOKEN=', 'nodemailer'];

describe('the admin page bundle', () => {
  let out: string;
  let files: Record<string, string>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'leadform-admin-size-'));
    await build({ configFile: 'vite.admin.config.ts', logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    files = Object.fromEntries(
      readdirSync(out)
        .filter((name) => name.endsWith('.js'))
        .map((name) => [name, readFileSync(join(out, name), 'utf8')]),
    );
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const gzip = (text: string) => gzipSync(text, { level: 9 }).length;

  it(`keeps admin.js under ${PAGE_MAX_GZIP} bytes gzip, the builder in a chunk of its own under ${BUILDER_MAX_GZIP}`, () => {
    const page = files['admin.js']!;
    expect(gzip(page)).toBeLessThanOrEqual(PAGE_MAX_GZIP);
    const builder = Object.entries(files).find(([name]) => /^admin-forms-[\w-]+\.js$/.test(name));
    expect(builder, 'a chunk admin-forms-HASH.js').toBeDefined();
    expect(gzip(builder![1])).toBeLessThanOrEqual(BUILDER_MAX_GZIP);
    // The builder's code is in its chunk, not in the page every operator loads.
    expect(page).not.toContain('Publish these changes?');
    expect(builder![1]).toContain('Publish these changes?');
  });

  it('ships no server-only code', () => {
    for (const [name, text] of Object.entries(files)) for (const needle of SERVER_ONLY) expect(text.includes(needle), `${needle} in ${name}`).toBe(false);
  });
});
