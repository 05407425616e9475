/**
 * `npm run build:node`: compiles the Node relay (src/runtime/node/index.ts and everything it
 * imports from src/) into one ES module, dist/relay/node/index.js, which `npm start` runs with
 * plain `node`: no TypeScript loader in the process that serves leads. Packages stay imports of
 * node_modules (better-sqlite3 is native; hono and zod are used as installed), so the file holds
 * only leadform's own code.
 *
 * The output keeps the depth of its source (three folders under the repository), because the
 * relay finds the built widget and the demo page relative to its own file.
 */
import { build } from 'esbuild';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Where `npm start` runs the compiled relay from. */
export const NODE_RELAY_FILE = join(ROOT, 'dist/relay/node/index.js');

/**
 * Compiles the relay into `outFile` (it must sit three folders below the repository, as the
 * default does), returning its path.
 * @param outFile @default dist/relay/node/index.js
 */
export async function buildNodeRelay(outFile = NODE_RELAY_FILE): Promise<string> {
  const path = relative(ROOT, resolve(outFile));
  const depth = path.split(/[\\/]/).length - 1;
  if (depth !== 3 || path.startsWith('..')) throw new Error(`build:node: ${outFile} must be three folders below ${ROOT}, as dist/relay/node/index.js is`);
  await build({
    entryPoints: [join(ROOT, 'src/runtime/node/index.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outFile;
}

// `node --import tsx scripts/build-node.ts [file]`: into `file` when given (see bench-relay-ab.ts).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildNodeRelay(process.argv[2]);
  console.log(`build:node: ${relative(ROOT, file)}`);
}
