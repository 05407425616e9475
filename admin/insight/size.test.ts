/**
 * Byte budgets of the insight view, on a fresh build of the admin page (into a temporary folder, so
 * a stale dist/ can neither pass nor fail this test): its code is a chunk of its own and uPlot
 * another, fetched only when the view opens and draws; the page's entry (admin.js) holds neither.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The view's own chunk: tables, charts' wrapper, partials, its stylesheet. */
const INSIGHT_CHUNK_MAX_GZIP = 8_192;
/** uPlot with its stylesheet: 22.3 KB and 0.7 KB gzip at 1.6.32. */
const UPLOT_CHUNKS_MAX_GZIP = 24_576;

let dir: string;
let files: Record<string, string>;
const gzip = (name: string) => gzipSync(files[name]!, { level: 9 }).length;
const named = (pattern: RegExp) => Object.keys(files).filter((name) => pattern.test(name));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-admin-size-'));
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(import.meta.dirname, '..', '..', 'vite.admin.config.ts'), logLevel: 'silent', build: { outDir: dir } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  files = Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.js'))
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the insight view in the admin build', () => {
  it('is not in the page entry: neither its code nor uPlot', () => {
    expect(files['admin.js']).toBeDefined();
    expect(files['admin.js']).not.toContain('Drop-off per field');
    expect(files['admin.js']).not.toMatch(/uplot|u-over/i);
  });

  it(`keeps its own chunk at most ${INSIGHT_CHUNK_MAX_GZIP} bytes gzip`, () => {
    const [chunk, ...others] = named(/^admin-insight-/);
    expect(others).toEqual([]);
    expect(files[chunk!]).toContain('Drop-off per field');
    expect(files[chunk!]).not.toMatch(/u-over/);
    expect(gzip(chunk!)).toBeLessThanOrEqual(INSIGHT_CHUNK_MAX_GZIP);
  });

  it(`keeps uPlot and its stylesheet at most ${UPLOT_CHUNKS_MAX_GZIP} bytes gzip, in chunks of their own`, () => {
    const chunks = named(/^admin-uPlot/);
    expect(chunks).toHaveLength(2);
    expect(chunks.reduce((sum, name) => sum + gzip(name), 0)).toBeLessThanOrEqual(UPLOT_CHUNKS_MAX_GZIP);
  });
});
