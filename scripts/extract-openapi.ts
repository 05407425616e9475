/**
 * Cuts the operations the fakes validate out of a vendor's OpenAPI document, with every
 * component they reference, unchanged, so the repository carries a small faithful subset
 * instead of megabytes. Usage:
 *   node --import tsx scripts/extract-openapi.ts SPEC.yaml OUT.yaml operationId...
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

type Json = Record<string, unknown>;
const [input, output, ...operationIds] = process.argv.slice(2);
if (!input || !output || !operationIds.length) {
  console.error('usage: extract-openapi.ts SPEC.yaml OUT.yaml operationId...');
  process.exit(1);
}
const spec = parse(readFileSync(input, 'utf8'), { maxAliasCount: -1 }) as Json;
const paths: Json = {};
const refs = new Set<string>();
const collect = (node: unknown): void => {
  if (Array.isArray(node)) node.forEach(collect);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !refs.has(value)) {
        refs.add(value);
        collect(
          value
            .slice(2)
            .split('/')
            .reduce<Json>((at, part) => at[part] as Json, spec),
        );
      } else collect(value);
    }
  }
};
for (const [path, item] of Object.entries(spec.paths as Json)) {
  for (const [method, operation] of Object.entries(item as Json)) {
    if (!operationIds.includes((operation as Json)?.operationId as string)) continue;
    const { responses: _responses, ...kept } = operation as Json;
    ((paths[path] ??= {}) as Json)[method] = kept;
    collect(kept);
  }
}
const components: Json = {};
for (const ref of refs) {
  const [, , section, name] = ref.split('/');
  const source = (spec.components as Json)[section!] as Json;
  ((components[section!] ??= {}) as Json)[name!] = source[name!];
}
const found = Object.values(paths).flatMap((item) => Object.values(item as Json).map((op) => (op as Json).operationId));
const missing = operationIds.filter((id) => !found.includes(id));
if (missing.length) {
  console.error(`not in ${input}: ${missing.join(', ')}`);
  process.exit(1);
}
const header = `# Extracted from ${input.split('/').slice(-2).join('/')} (${(spec.info as Json).title} ${(spec.info as Json).version}) by scripts/extract-openapi.ts:\n# operations ${operationIds.join(', ')}, request side only, schemas unchanged.\n`;
writeFileSync(
  output,
  header + stringify({ openapi: spec.openapi, info: spec.info, servers: spec.servers, paths, components }, { aliasDuplicateObjects: false, lineWidth: 0 }),
);
console.log(`${output}: ${operationIds.length} operations, ${refs.size} components`);
