/**
 * Starting workerd (miniflare) for tests: the Worker bundle `npm run build:worker` makes with a
 * test's own configuration, or a fixture Worker holding one Durable Object class, each in a
 * temporary folder deleted on `dispose`.
 */
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorker } from '../../../scripts/build-worker.ts';
import { miniflareOptions } from './miniflare-options.ts';

export interface Workerd {
  mf: Miniflare;
  dispose(): Promise<void>;
}

/** The relay's Worker with `config` bundled in, its bindings as wrangler.toml declares them. */
export async function startBundledWorker(config: unknown, bindings: Record<string, string>): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-'));
  const configFile = join(dir, 'leadform.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const built = await buildWorker({ configFile, outFile: join(dir, 'worker.js') });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  const mf = new Miniflare({
    ...miniflareOptions(built.value, bindings),
    // The Worker's JSON log lines go to workerd's stdout; keep the test output readable.
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.resume();
      stderr.pipe(process.stderr);
    },
  });
  await mf.ready;
  return { mf, dispose: () => mf.dispose().finally(() => rmSync(dir, { recursive: true, force: true })) };
}

/** A fixture Worker (`entry`, a TypeScript file) whose SQLite-backed Durable Object `className` is bound as `CONTRACT`. */
export async function startFixtureObject(entry: string, className: string): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), 'leadform-workerd-fixture-'));
  const scriptPath = join(dir, 'fixture.js');
  await build({
    entryPoints: [entry],
    outfile: scriptPath,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['cloudflare:*'],
    logLevel: 'warning',
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    // The bundle lives in a temporary folder, outside the working directory.
    modulesRoot: dir,
    compatibilityDate: '2025-09-01',
    durableObjects: { CONTRACT: { className, useSQLite: true } },
  });
  await mf.ready;
  return { mf, dispose: () => mf.dispose().finally(() => rmSync(dir, { recursive: true, force: true })) };
}
