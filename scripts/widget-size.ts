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
  const total = (names: string[]) => names.reduce((sum, name) => sum + (files[name] ? gzip(name) : 0), 0) + largestLocale;
  return {
    files,
    gzip,
    brotli,
    locales,
    modes,
    totals: { declarative: total(modes.declarative), popup: total(modes.popup), iframe: total(modes.iframe) },
  };
}
