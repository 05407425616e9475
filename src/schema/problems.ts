/**
 * The one place that words a configuration problem, and the one place that knows what a secret's
 * environment variable is: the relay's configuration (src/relay/config.ts), each destination's
 * options (src/destinations/define.ts) and the Workers start-up (src/runtime/workers/shared.ts)
 * all check and explain through it, so a problem reads the same wherever it was found.
 *
 * Every problem is one line, `key: what is wrong; the fix`, its key the dotted path of the
 * setting (`destinations.crm.apiTokenEnv`). It lives under src/schema because both the relay
 * core and the destinations use it, and destinations never import from the relay.
 *
 * Secrets never appear in a configuration: an option whose key ends in `Env` names the
 * environment variable that holds one (`"apiTokenEnv": "PIPEDRIVE_API_TOKEN"`), and each
 * destination type declares which of its options those are.
 */
import * as z from 'zod/mini';
import type { Checked } from './checked.ts';

// ---------------------------------------------------------------------------------------------
// Environment variables and secrets

/** Letters, digits and underscores, not starting with a digit; 128 at most. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function isEnvName(value: unknown): value is string {
  return typeof value === 'string' && ENV_NAME.test(value);
}

/** What is wrong with a value that should name an environment variable, and the fix (an example). */
function notAnEnvName(example: string): string {
  return `expected the name of an environment variable, e.g. "${example}"`;
}

/**
 * The schema of an option that names an environment variable. Its message is `notAnEnvName`'s,
 * so zod's problem reads as `envNameProblem`'s.
 * @param example A name to suggest in the message. @default "PIPEDRIVE_API_TOKEN"
 */
export function envName(example = 'PIPEDRIVE_API_TOKEN') {
  return z.string().check(z.refine(isEnvName, { message: notAnEnvName(example) }));
}

/** A suggested variable name for `key` of destination `destination`: `crm` + `apiTokenEnv` → `CRM_API_TOKEN`. */
export function envNameExample(destination: string, key: string): string {
  const what = key
    .replace(/Env$/, '')
    .replace(/[A-Z]/g, (letter) => `_${letter}`)
    .toUpperCase();
  return `${destination.toUpperCase().replace(/\W/g, '_')}_${what}`;
}

export function envNameProblem(key: string, example: string): string {
  return `${key}: ${notAnEnvName(example)}`;
}

/** The words for a secret whose variable is unset; a failed delivery's reason uses them too. */
export function secretNotSet(name: string): string {
  return `the environment variable ${name} is not set`;
}

/**
 * The problem of a secret whose variable is unset, wherever it is found (the configuration, a
 * destination's start-up check).
 * @param holds What the variable must hold, for the fix. @default "the secret"
 */
export function missingSecret(key: string, name: string, holds = 'the secret'): string {
  return `${key}: ${secretNotSet(name)}; set it to ${holds} before starting the relay`;
}

/**
 * Option keys that hold a secret when written inline (`apiToken` rather than `apiTokenEnv`). A
 * safety net beside the declared secrets: whatever a destination declares, a value under such a
 * key is a secret written into the file, and the file is refused.
 */
const INLINE_SECRET = /(token|secret|password|apikey|accesskey|secretkey|webhookcode)$/i;

/** The problem of a secret written inline under `option`, or undefined when the option is not one. */
export function inlineSecretProblem(key: string, option: string, declaredSecrets: readonly string[]): string | undefined {
  if (!INLINE_SECRET.test(option) && !declaredSecrets.includes(`${option}Env`)) return undefined;
  return `${key}: secrets are never written in the file; put the value in an environment variable and name it with "${option}Env"`;
}

/** The environment variables that `options` names under its declared secret keys, as `[key, name]`. */
export function namedSecrets(options: Readonly<Record<string, unknown>>, secretKeys: readonly string[]): [key: string, name: string][] {
  return secretKeys.flatMap((key) => {
    const name = options[key];
    return isEnvName(name) ? [[key, name] as [string, string]] : [];
  });
}

/**
 * A problem for each declared secret whose variable `read` does not find (an empty value counts
 * as unset), keyed under `at` when given.
 */
export function missingSecrets(
  options: Readonly<Record<string, unknown>>,
  secretKeys: readonly string[],
  read: (name: string) => string | undefined,
  at = '',
): string[] {
  return namedSecrets(options, secretKeys).flatMap(([key, name]) => (read(name) ? [] : [missingSecret(joinKey(at, key), name)]));
}

/**
 * Everything the configuration can say of one destination's secrets before its adapter checks the
 * rest of its options: no secret written inline, each declared secret key naming a variable, and
 * (when `env` is given) each of those variables set.
 */
export function secretOptionProblems(
  at: string,
  destination: string,
  options: Readonly<Record<string, unknown>>,
  secretKeys: readonly string[],
  env?: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  for (const [option, value] of Object.entries(options)) {
    const key = joinKey(at, option);
    const inline = inlineSecretProblem(key, option, secretKeys);
    if (inline) problems.push(inline);
    else if (secretKeys.includes(option) && !isEnvName(value)) problems.push(envNameProblem(key, envNameExample(destination, option)));
  }
  if (env) problems.push(...missingSecrets(options, secretKeys, (name) => env[name], at));
  return problems;
}

/**
 * What the configuration knows of a destination type without importing its adapter: the option
 * keys that name its secrets. A destination factory carries them (`secrets`), so the registry of
 * factories can be passed where these are expected.
 */
export interface SecretDeclaration {
  readonly secrets?: readonly string[] | undefined;
}

/** The known destination types: their names only, or by name with the secrets each declares. */
export type DestinationTypes = readonly string[] | Readonly<Record<string, SecretDeclaration>>;

export function typeNames(types: DestinationTypes): string[] {
  return Array.isArray(types) ? [...types] : Object.keys(types);
}

/** The secret keys `type` declares; none when only the names of the types are known. */
export function declaredSecrets(types: DestinationTypes | undefined, type: string): readonly string[] {
  if (!types || Array.isArray(types)) return [];
  return Object.hasOwn(types, type) ? ((types as Readonly<Record<string, SecretDeclaration>>)[type]?.secrets ?? []) : [];
}

// ---------------------------------------------------------------------------------------------
// Keys and zod's issues

/** The key of an object's own problem when it has no path (the object itself), per what is checked. */
export const FILE_ROOT = '(file)';
export const OPTIONS_ROOT = '(options)';

function joinKey(at: string, key: string): string {
  return at && key ? `${at}.${key}` : at || key;
}

/** A problem key: a dotted path of keys, or a root placeholder. */
const KEYED = /^((?:[\w$-]+)(?:\.[\w$-]+)*|\((?:options|file)\)): /;

/**
 * Puts problems found in a part of the configuration under that part's key: `url: missing…` from a
 * destination's options becomes `destinations.crm.url: missing…`, and a problem of the options as a
 * whole (`(options): …`) becomes `destinations.crm: …`. A line without a key is put after `at: `.
 */
export function within(at: string, problems: readonly string[]): string[] {
  return problems.map((problem) => {
    const keyed = KEYED.exec(problem);
    if (!keyed) return `${at}: ${problem}`;
    const key = keyed[1]!.startsWith('(') ? at : `${at}.${keyed[1]}`;
    return `${key}: ${problem.slice(keyed[0].length)}`;
  });
}

/**
 * Parses `input` with `schema`, every problem worded as `key: what is wrong; the fix`.
 * @param root The key of a problem of the input as a whole. @default "(options)"
 */
export function parseChecked<T>(schema: z.core.$ZodType<T>, input: unknown, root = OPTIONS_ROOT): Checked<T> {
  const parsed = z.safeParse(schema, input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: issueProblems(parsed.error.issues, schema, root) };
}

/** Zod's issues as problems, naming for an unknown key the known one probably meant. */
export function issueProblems(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType, root = OPTIONS_ROOT): string[] {
  return issues.map((issue) => `${issue.path.map(String).join('.') || root}: ${explain(issue, schema)}`);
}

function explain(issue: z.core.$ZodIssue, schema: z.core.$ZodType): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}${issue.input === undefined ? ', but it is missing; add it' : `, got ${typeof issue.input}; change the value`}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; change the value`;
    case 'unrecognized_keys': {
      const known = knownKeys(schema, issue.path);
      const hints = issue.keys.map((key) => {
        const near = closest(key, known);
        return near ? `"${key}" (did you mean "${near}"?)` : `"${key}"`;
      });
      return `unknown key(s) ${hints.join(', ')}; remove them or check their spelling`;
    }
    default:
      // The messages of this project's schemas carry their fix (an example, or after "; ");
      // zod's own say only what is wrong.
      return /; |e\.g\./.test(issue.message) ? issue.message : `${issue.message}; fix the value`;
  }
}

/** The keys the schema allows at `path`, found by walking the schemas alongside the input. */
function knownKeys(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let schema = root;
  for (const key of path) {
    schema = unwrap(schema);
    const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; valueType?: z.core.$ZodType; element?: z.core.$ZodType };
    if (def.type === 'object' && def.shape) schema = def.shape[String(key)] ?? schema;
    else if (def.type === 'record' && def.valueType) schema = def.valueType;
    else if (def.type === 'array' && def.element) schema = def.element;
    else return [];
  }
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType };
    if (!def.innerType || !['optional', 'default', 'prefault', 'nullable'].includes(def.type)) return current;
    current = def.innerType;
  }
}

/** ` (did you mean "x"?)` when a known name is near enough to `name` to be the one meant, else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  const near = closest(name, [...known]);
  return near ? ` (did you mean "${near}"?)` : '';
}

/** The known key nearest to a typo, when it is near enough to be the one meant. */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
