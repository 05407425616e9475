/**
 * `npm run build:worker`: bundles the Workers entry (src/runtime/workers/index.ts) into one ES
 * module, dist/worker/index.js, that wrangler deploys and miniflare loads as is. The configuration
 * ($LEADFORM_CONFIG, default ./leadform.config.json) is validated and bundled in, and so are the
 * built widget and admin files (run `npm run build` first) and the demo page.
 */
import type { Checked } from '../src/schema/checked.ts';
import { build, type Plugin } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDestinations, destinationFactories } from '../src/destinations/index.ts';
import { parseConfig } from '../src/relay/config.ts';
import { CHECK_ONLY_SQL } from '../src/storage/sql-driver.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface WorkerBuildOptions {
  /** @default $LEADFORM_CONFIG or ./leadform.config.json */
  configFile?: string;
  /** @default dist/worker/index.js */
  outFile?: string;
}

/** The bundle written, by its path. */
export type WorkerBuildResult = Checked<string>;

export async function buildWorker(options: WorkerBuildOptions = {}): Promise<WorkerBuildResult> {
  const configFile = resolve(options.configFile ?? process.env.LEADFORM_CONFIG ?? join(ROOT, 'leadform.config.json'));
  const outFile = resolve(options.outFile ?? join(ROOT, 'dist/worker/index.js'));
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`${(error as Error).message}; set LEADFORM_CONFIG to a readable JSON file`] };
  }
  // Secrets are bound at deploy time, so only the file itself is checked here: each secret named
  // by a variable (the adapters in the registry declare which options are secrets), none inline.
  const parsed = parseConfig(config, destinationFactories);
  if (!parsed.ok) return parsed;
  // Each adapter checks its own options now, not in a Durable Object after the deploy, where a typo
  // would fail every request. No `secret` is given, so none is looked up; nothing is stored.
  const adapters = createDestinations(parsed.value.destinations, { sql: CHECK_ONLY_SQL, forms: parsed.value.forms });
  if (!adapters.ok) return adapters;

  const assets: Record<string, string> = {};
  for (const folder of ['widget', 'admin']) {
    const dir = join(ROOT, 'dist', folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) if (/\.(js|css|html)$/.test(file)) assets[`${folder}/${file}`] = readFileSync(join(dir, file), 'utf8');
  }
  const demo = join(ROOT, 'public/index.html');
  if (existsSync(demo)) assets['public/index.html'] = readFileSync(demo, 'utf8');

  const virtual: Plugin = {
    name: 'leadform-virtual-modules',
    setup(b) {
      b.onResolve({ filter: /^leadform:(config|assets)$/ }, (args) => ({ path: args.path, namespace: 'leadform' }));
      b.onLoad({ filter: /.*/, namespace: 'leadform' }, (args) => ({
        contents: JSON.stringify(args.path === 'leadform:config' ? config : assets),
        loader: 'json',
      }));
    },
  };
  await build({
    entryPoints: [join(ROOT, 'src/runtime/workers/index.ts')],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*'],
    plugins: [virtual],
    minify: false,
    logLevel: 'warning',
  });
  return { ok: true, value: outFile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildWorker();
  if (!result.ok) {
    console.error(`leadform: cannot build the worker:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`leadform: built ${result.value}`);
}
