/**
 * What a visitor downloads, per embed mode, from a folder of built widget files. Shared by the
 * size test (`widget/size.test.ts`, which enforces the ceilings) and `npm run bench:widget`
 * (which prints the figures).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export const LOADER_MAX_GZIP = 1024;
export const FORM_MAX_GZIP = 16 * 1024;
export const PARENT_MAX_GZIP = 1024;
/** What a form with steps and conditions downloads beyond a form without (the steps chunk, which holds the conditions). */
export const STEPS_EXTRA_MAX_GZIP = 2 * 1024;
/** What a form with a phone field's country choice downloads beyond a form without (the phone chunk). */
export const PHONE_EXTRA_MAX_GZIP = 3 * 1024;
/**
 * What each embed mode downloaded for the `contact` form (no steps, conditions or phone) before
 * the form engine, gzip -9, measured on commit 8ebc2de with this file's totals: the engine must
 * not make a plain form download more.
 */
export const CONTACT_BEFORE_GZIP = { declarative: 15_733, popup: 16_339, iframe: 16_248 } as const;

export const LOCALE_CHUNK = /^(en|de|es|fr|pt|ru|it|nl|pl|tr|ja|zh|ar|he)-[\w-]+\.js$/;

export interface WidgetFiles {
  /** File name → contents. */
  files: Record<string, Buffer>;
  gzip(name: string): number;
  brotli(name: string): number;
  /** The locale chunks, one per built-in language. */
  locales: string[];
  /** Per embed mode, the files its form needs besides a locale chunk. */
  modes: Record<'declarative' | 'popup' | 'iframe', string[]>;
  /** Per embed mode, gzip bytes of those files plus the largest locale chunk. */
  totals: Record<'declarative' | 'popup' | 'iframe', number>;
  /** The files a form using steps and conditions, or a phone field, downloads beyond the declarative mode's. */
  engine: Record<'steps' | 'phone', string[]>;
  /** Gzip bytes of those files. */
  extras: Record<'steps' | 'phone', number>;
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
  const chunk = (prefix: string) => Object.keys(files).find((name) => name.startsWith(`${prefix}-`)) ?? `${prefix}-missing.js`;
  const base = [...closure('form.js')];
  const modes = {
    declarative: base,
    popup: [...closure(chunk('popup'), new Set(base))],
    iframe: [...closure(chunk('frame'), new Set(base))],
  };
  const locales = Object.keys(files).filter((name) => LOCALE_CHUNK.test(name));
  const largestLocale = Math.max(0, ...locales.map(gzip));
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
    locales,
    modes,
    totals: { declarative: total(modes.declarative), popup: total(modes.popup), iframe: total(modes.iframe) },
    engine,
    extras: { steps: bytes(engine.steps), phone: bytes(engine.phone) },
  };
}
