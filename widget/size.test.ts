/**
 * Byte budgets for what a visitor downloads, measured on a fresh build of the current sources
 * (into a temporary folder, so a stale dist/ can neither pass nor fail this test):
 * - the loader, on every page with the snippet: at most 1 KB gzip;
 * - everything a declarative form needs (the form bundle, the modules it imports, such as
 *   attribution.js, and the largest catalogue, which comes with the definition): at most 12 KB
 *   gzip (issue 13); the popup and iframe modes at most 1 KB more, their own chunk;
 * - the iframe parent's module: at most 1 KB gzip;
 * - a plain form (`contact`: no steps, conditions or phone) downloads none of the form engine's
 *   chunks; the steps and conditions chunks at most 2 KB gzip, the phone chunk (with the chunk
 *   of rarely used field types it imports) at most 3.5 KB;
 * - the funnel beacons, at most 1 KB gzip in all: their chunk, fetched once the form is
 *   interactive, and the hook in form.js that fetches it;
 * and a list of things that must never be in any shipped file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FORM_MAX_GZIP,
  INSIGHT_HOOK_GZIP,
  INSIGHT_MAX_GZIP,
  LOADER_MAX_GZIP,
  MODE_CHUNK_MAX_GZIP,
  MODE_MAX_GZIP,
  PARENT_MAX_GZIP,
  PHONE_EXTRA_MAX_GZIP,
  readWidgetFiles,
  STEPS_EXTRA_MAX_GZIP,
  type WidgetFiles,
} from '../scripts/widget-size.ts';

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
  // The phone metadata stays on the relay: its library, and the key its metadata is built on.
  'libphonenumber',
  'country_calling_codes',
  // The widget checks values with the zod-free fieldIssue; zod stays on the relay.
  '_zod',
];

let dir: string;
let widget: WidgetFiles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-size-'));
  // Vitest runs with NODE_ENV=test, which would make Vite keep development-only code: measure
  // the build `npm run build` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    for (const mode of ['loader', 'production']) {
      await build({ configFile: join(import.meta.dirname, '..', 'vite.config.ts'), mode, logLevel: 'silent', build: { outDir: dir } });
    }
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  widget = readWidgetFiles(dir);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('widget bundle size', () => {
  it(`keeps the loader at most ${LOADER_MAX_GZIP} bytes gzip`, () => {
    expect(widget.gzip('leadform.js')).toBeLessThanOrEqual(LOADER_MAX_GZIP);
  });

  it(`keeps what the declarative mode downloads for its form at most ${FORM_MAX_GZIP} bytes gzip, the popup and iframe modes ${MODE_CHUNK_MAX_GZIP} more`, () => {
    expect(Object.keys(widget.catalogues).sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'he', 'it', 'ja', 'nl', 'pl', 'pt', 'ru', 'tr', 'zh']);
    // The words come with the definition: no locale chunk is built for form.js to fetch after itself.
    expect(Object.keys(widget.files).filter((name) => /^(en|de|ru)-/.test(name))).toEqual([]);
    expect(widget.modes.declarative).toEqual(expect.arrayContaining(['form.js', 'attribution.js']));
    // The popup chunk has a fixed name, the one the loader starts it by (widget/loader.ts). So an
    // old form.js still in a browser's cache may meet a new popup.js: what it takes from form.js
    // must be named as form.js exports it (index.tsx), never by a name the minifier picked this build.
    expect(widget.modes.popup).toContain('popup.js');
    const taken = /import\{([^}]*)\}from"\.\/form\.js"/.exec(widget.files['popup.js']!.toString('utf8'))?.[1] ?? '';
    expect(taken.split(',').map((binding) => binding.split(' as ')[0])).toEqual(['adoptStyles', 'attach', 'showDespiteEmpty']);
    expect(widget.modes.iframe.some((name) => name.startsWith('frame-'))).toBe(true);
    for (const [mode, total] of Object.entries(widget.totals)) {
      const files = widget.modes[mode as keyof typeof widget.modes];
      expect(total, `${mode}: ${files.join(' + ')} + largest catalogue`).toBeLessThanOrEqual(MODE_MAX_GZIP[mode as keyof typeof MODE_MAX_GZIP]);
    }
  });

  it('keeps the form engine, zod and preact out of what a plain form downloads', () => {
    // The form engine's chunks are not among what a plain form downloads, nor a chunk of the
    // shared rules that form.js could only fetch once it had itself arrived.
    expect(widget.modes.declarative.sort()).toEqual(['attribution.js', 'form.js']);
    // zod/mini's error map is the telltale of zod in a bundle.
    for (const name of widget.modes.declarative) expect(widget.files[name]!.toString('utf8').includes('$ZodError'), name).toBe(false);
    // The widget draws with its own renderer (widget/form/dom.ts); preact's option hooks (`__b`, `__r`, `diffed`) are its telltale.
    for (const name of Object.keys(widget.files)) expect(/\.diffed\b|__PREACT/.test(widget.files[name]!.toString('utf8')), name).toBe(false);
  });

  it(`keeps what steps and conditions add at most ${STEPS_EXTRA_MAX_GZIP} bytes gzip, and the phone chunk at most ${PHONE_EXTRA_MAX_GZIP}`, () => {
    expect(widget.engine.steps.some((name) => name.startsWith('steps-'))).toBe(true);
    // The evaluator of `when` is in that download (its `notEmpty` operator is its telltale).
    expect(widget.engine.steps.some((name) => widget.files[name]!.toString('utf8').includes('notEmpty'))).toBe(true);
    expect(widget.engine.phone.some((name) => name.startsWith('phone-'))).toBe(true);
    // The phone chunk takes its country names from the chunk of rarely used field types, which the form starts with it.
    expect(widget.engine.phone.some((name) => name.startsWith('rare-'))).toBe(true);
    expect(widget.extras.steps, widget.engine.steps.join(' + ')).toBeLessThanOrEqual(STEPS_EXTRA_MAX_GZIP);
    expect(widget.extras.phone, widget.engine.phone.join(' + ')).toBeLessThanOrEqual(PHONE_EXTRA_MAX_GZIP);
  });

  it(`keeps the funnel beacons' chunk at most ${INSIGHT_MAX_GZIP - INSIGHT_HOOK_GZIP} bytes gzip (${INSIGHT_MAX_GZIP} with its hook), fetched by no form before it is interactive`, () => {
    expect(widget.insight.files.length, 'the insight chunk is built').toBeGreaterThan(0);
    expect(
      widget.insight.files.every((name) => name.startsWith('insight-')),
      widget.insight.files.join(' + '),
    ).toBe(true);
    expect(widget.insight.gzip).toBeLessThanOrEqual(INSIGHT_MAX_GZIP - INSIGHT_HOOK_GZIP);
    // Not among what any embed mode downloads before it shows its form.
    for (const files of Object.values(widget.modes)) expect(files.some((name) => name.startsWith('insight-'))).toBe(false);
  });

  it(`keeps the iframe parent module at most ${PARENT_MAX_GZIP} bytes gzip`, () => {
    expect(widget.gzip('parent.js')).toBeLessThanOrEqual(PARENT_MAX_GZIP);
  });

  it('ships nothing that must stay out of the browser', () => {
    for (const [name, bytes] of Object.entries(widget.files)) {
      const text = bytes.toString('utf8');
      for (const word of FORBIDDEN) expect(text.includes(word), `${name} contains ${word}`).toBe(false);
    }
  });
});
