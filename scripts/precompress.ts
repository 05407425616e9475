/**
 * A vite plugin for both builds (vite.config.ts, vite.admin.config.ts): once a build has written
 * its files, it writes `<file>.br` (brotli 11) and `<file>.gz` (gzip 9) beside each script,
 * stylesheet and page, so the Node relay serves them compressed without compressing per request
 * (src/relay/assets.ts). Each pass writes the copies of the files it wrote, so none is left from
 * an earlier build. The Workers bundle leaves them out: Cloudflare compresses at the edge.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { Plugin } from 'vite';
import { compress, ENCODINGS } from '../src/relay/assets.ts';

const COMPRESSED = /\.(?:js|css|html|map)$/;

export function precompress(): Plugin {
  return {
    name: 'leadform-precompress',
    apply: 'build',
    async writeBundle(output, bundle) {
      const dir = output.dir;
      if (!dir) return;
      const files = Object.keys(bundle).filter((name) => COMPRESSED.test(name));
      await Promise.all(
        files.map(async (name) => {
          const bytes = await readFile(join(dir, name));
          for (const { coding, suffix } of ENCODINGS) await writeFile(join(dir, `${name}${suffix}`), await compress(zlib, coding, bytes));
        }),
      );
    },
  };
}
