/**
 * What a visitor downloads, per embed mode, from a folder of built widget files. Shared by the
 * size test (`widget/size.test.ts`, which enforces the ceilings) and `npm run bench:widget`
 * (which prints the figures).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { catalogueOf } from '../src/relay/catalogues.ts';
import { BUILT_IN_LOCALES } from '../widget/form/i18n.ts';

export const LOADER_MAX_GZIP = 1024;
export const PARENT_MAX_GZIP = 1024;
/** What a form with steps and conditions downloads beyond a form without (the steps chunk, which holds the conditions). */
export const STEPS_EXTRA_MAX_GZIP = 2 * 1024;
/**
 * What a form with a phone field's country choice downloads beyond a form without: the phone
 * chunk, and the chunk of rarely used field types it takes its country names from (started
 * together, so no round trip more). 3 KB before that chunk (with the number field's reader) took
 * 0.5 KB out of every plain form's form.js: a phone form without those types pays 1 KB for it.
 */
export const PHONE_EXTRA_MAX_GZIP = 3.5 * 1024;
/**
 * What the funnel beacons may add to the widget in all (issue 17: at most 1 KB gzip): the line in
 * form.js that fetches their chunk once the form is interactive (`INSIGHT_HOOK_GZIP`), and the
 * chunk itself (widget/form/insight.ts), off the critical path.
 */
export const INSIGHT_MAX_GZIP = 1024;
/**
 * What form.js carries to fetch the beacons' chunk (46 bytes gzip when it was added), which every
 * form downloads, inside `FORM_MAX_GZIP`: the chunk may be at most `INSIGHT_MAX_GZIP` less this.
 */
export const INSIGHT_HOOK_GZIP = 48;
/**
 * Everything the declarative form downloads (the form bundle, attribution.js, the largest
 * catalogue, which comes with the definition): issue 13's 12 KB. The loader is not in it: every
 * page with the snippet loads it, form or none (`LOADER_MAX_GZIP`).
 */
export const FORM_MAX_GZIP = 12 * 1024;
/**
 * What the popup and the iframe modes download beyond the declarative one: their chunk (the
 * dialog, or the bridge to the parent page). Each mode's ceiling is `FORM_MAX_GZIP` plus this.
 */
export const MODE_CHUNK_MAX_GZIP = 1024;
export const MODE_MAX_GZIP = {
  declarative: FORM_MAX_GZIP,
  popup: FORM_MAX_GZIP + MODE_CHUNK_MAX_GZIP,
  iframe: FORM_MAX_GZIP + MODE_CHUNK_MAX_GZIP,
} as const;

/**
 * Gzip bytes of each built-in catalogue as the relay sends it inside a definition
 * (`GET /v1/forms/{id}?locale=`, `"catalogue": {language, messages}`): the words a form downloads.
 */
export function catalogueBytes(): Record<string, number> {
  return Object.fromEntries(
    BUILT_IN_LOCALES.map((language) => [language, gzipSync(JSON.stringify({ catalogue: { language, messages: catalogueOf(language) } }), { level: 9 }).length]),
  );
}

export interface WidgetFiles {
  /** File name → contents. */
  files: Record<string, Buffer>;
  gzip(name: string): number;
  brotli(name: string): number;
  /** Gzip bytes of each built-in language's catalogue, which comes with the definition. */
  catalogues: Record<string, number>;
  /** Per embed mode, the files its form needs (its words come with the definition). */
  modes: Record<'declarative' | 'popup' | 'iframe', string[]>;
  /** Per embed mode, gzip bytes of those files plus the largest catalogue. */
  totals: Record<'declarative' | 'popup' | 'iframe', number>;
  /** The files a form using steps and conditions, or a phone field, downloads beyond the declarative mode's. */
  engine: Record<'steps' | 'phone', string[]>;
  /** Gzip bytes of those files. */
  extras: Record<'steps' | 'phone', number>;
  /** The funnel beacons' chunk, and what it downloads beyond the declarative mode's files. */
  insight: { files: string[]; gzip: number };
}

export function readWidgetFiles(dir: string): WidgetFiles {
  const files: Record<string, Buffer> = {};
  for (const name of readdirSync(dir)) if (name.endsWith('.js')) files[name] = readFileSync(join(dir, name));
  const gzip = (name: string) => gzipSync(files[name]!, { level: 9 }).length;
  const brotli = (name: string) => brotliCompressSync(files[name]!).length;

  /** `name` and every file it imports statically (`import … from "./x.js"`), transitively. */
  const closure = (name: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(name) || !files[name]) return seen;
    seen.add(name);
    for (const [, imported] of files[name].toString('utf8').matchAll(/(?:^|[;}])\s*import\s*(?:[\w{}\s,*$]+from\s*)?["'`]\.\/([\w.-]+\.js)["'`]/g)) {
      closure(imported!, seen);
    }
    return seen;
  };
  // A chunk is `name-hash.js`, or `name.js` where vite.config.ts fixes its name (the popup's).
  const chunk = (prefix: string) => Object.keys(files).find((name) => name === `${prefix}.js` || name.startsWith(`${prefix}-`)) ?? `${prefix}-missing.js`;
  const base = [...closure('form.js')];
  const modes = {
    declarative: base,
    popup: [...closure(chunk('popup'), new Set(base))],
    iframe: [...closure(chunk('frame'), new Set(base))],
  };
  const catalogues = catalogueBytes();
  const largestLocale = Math.max(...Object.values(catalogues));
  const bytes = (names: string[]) => names.reduce((sum, name) => sum + (files[name] ? gzip(name) : 0), 0);
  const total = (names: string[]) => bytes(names) + largestLocale;
  const beyondBase = (...chunks: string[]) => {
    const seen = new Set(base);
    for (const name of chunks) closure(chunk(name), seen);
    return [...seen].filter((name) => !base.includes(name));
  };
  // Steps and conditions are one chunk (widget/form/index.tsx, loadEngine).
  const engine = { steps: beyondBase('steps'), phone: beyondBase('phone') };
  return {
    files,
    gzip,
    brotli,
    catalogues,
    modes,
    totals: { declarative: total(modes.declarative), popup: total(modes.popup), iframe: total(modes.iframe) },
    engine,
    extras: { steps: bytes(engine.steps), phone: bytes(engine.phone) },
    insight: { files: beyondBase('insight'), gzip: bytes(beyondBase('insight')) },
  };
}
