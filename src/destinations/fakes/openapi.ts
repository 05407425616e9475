/**
 * Request validation against a vendor's published OpenAPI 3.0 document, for the fakes: the
 * operation's query parameters and JSON body are checked with ajv, so an adapter that drifts
 * from the vendor's schema fails its tests the way the vendor would refuse it. OpenAPI 3.0's
 * `nullable` is turned into JSON Schema's `null` type; local `$ref`s are resolved inline.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

export interface OpenApiOperation {
  method: string;
  path: string;
  /** Compiled on first use: most of a big spec's operations are never called. */
  validateBody?: () => ValidateFunction;
  parameters: { name: string; required: boolean; schema?: Json }[];
}

export interface OpenApiDocument {
  operation(operationId: string): OpenApiOperation;
}

function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

const documents = new Map<string, OpenApiDocument>();

/** Loads (once per process) and indexes a spec; the Pipedrive ones are megabytes of YAML. */
export function loadOpenApi(file: string): OpenApiDocument {
  const cached = documents.get(file);
  if (cached) return cached;
  const spec = parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const operations = new Map<string, OpenApiOperation>();
  const resolve = (ref: string): Json =>
    ref
      .slice(2)
      .split('/')
      .reduce<Json>((node, key) => node[key] as Json, spec);

  /** OpenAPI 3.0 schema → JSON Schema: inline refs, `nullable` as a null type, no `example`. */
  const convert = (node: unknown, seen: Set<string> = new Set()): unknown => {
    if (Array.isArray(node)) return node.map((item) => convert(item, seen));
    if (!node || typeof node !== 'object') return node;
    const object = node as Json;
    if (typeof object.$ref === 'string') {
      if (seen.has(object.$ref)) return {};
      return convert(resolve(object.$ref), new Set([...seen, object.$ref]));
    }
    const out: Json = {};
    for (const [key, value] of Object.entries(object)) {
      if (key === 'example' || key === 'examples' || key === 'nullable' || key.startsWith('x-')) continue;
      out[key] =
        key === 'properties' ? Object.fromEntries(Object.entries(value as Json).map(([name, schema]) => [name, convert(schema, seen)])) : convert(value, seen);
    }
    if (object.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      if (out.allOf || out.oneOf || out.anyOf) return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  };

  for (const [path, item] of Object.entries(spec.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const operation = op as Json;
      if (typeof operation?.operationId !== 'string') continue;
      const bodySchema = (convert(operation.requestBody) as Json | undefined)?.content as Json | undefined;
      const json = bodySchema?.['application/json'] as Json | undefined;
      operations.set(operation.operationId, {
        method: method.toUpperCase(),
        path,
        parameters: ((convert(operation.parameters) ?? []) as Json[])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({ name: String(parameter.name), required: parameter.required === true, schema: parameter.schema as Json | undefined })),
        ...(json?.schema ? { validateBody: lazy(() => ajv.compile(json.schema as Json)) } : {}),
      });
    }
  }
  const document: OpenApiDocument = {
    operation(operationId) {
      const operation = operations.get(operationId);
      if (!operation) throw new Error(`${operationId} is not in ${file}`);
      return operation;
    },
  };
  documents.set(file, document);
  return document;
}

/** Problems with a request under an operation: missing or mistyped query parameters, body schema errors. */
export function requestProblems(operation: OpenApiOperation, query: URLSearchParams, body: unknown): string[] {
  const problems: string[] = [];
  for (const parameter of operation.parameters) {
    const value = query.get(parameter.name);
    if (value === null) {
      if (parameter.required) problems.push(`query parameter ${parameter.name} is required`);
      continue;
    }
    const schema = parameter.schema ?? {};
    if (schema.type === 'integer' && !/^-?\d+$/.test(value)) problems.push(`query parameter ${parameter.name} must be an integer`);
    if (schema.type === 'boolean' && !['true', 'false', '0', '1'].includes(value)) problems.push(`query parameter ${parameter.name} must be a boolean`);
    if (schema.type === 'number' && !Number.isFinite(Number(value))) problems.push(`query parameter ${parameter.name} must be a number`);
    // A query string is text: an enum of numbers (`pinned_to_lead_flag`: 0, 1) is matched as their text.
    if (Array.isArray(schema.enum) && !value.split(',').every((part) => (schema.enum as unknown[]).some((option) => String(option) === part))) {
      problems.push(`query parameter ${parameter.name} must be one of ${(schema.enum as unknown[]).join(', ')}`);
    }
  }
  const validate = operation.validateBody?.();
  if (validate && !validate(body)) {
    for (const error of validate.errors ?? []) problems.push(`body${error.instancePath} ${error.message}`);
  }
  return problems;
}
