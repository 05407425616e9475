/**
 * Checking a destination's options at start-up: shape (with zod), and that every secret the
 * options name by environment variable is set. Problems read `key: what; fix`.
 */
import type { Checked } from '../schema/checked.ts';
import * as z from 'zod/mini';
import type { Destination } from './types.ts';

export type Built = Checked<Destination>;

/** What a factory receives besides its options; `secret` lets it report a missing variable early. */
export interface SecretDeps {
  secret?: ((name: string) => string | undefined) | undefined;
}

/** Names an environment variable: letters, digits and underscores. */
export const envName = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. "PIPEDRIVE_API_TOKEN"'));

export function parseOptions<T>(schema: z.ZodMiniType<T>, options: Record<string, unknown>): Checked<T> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.') || '(options)';
      if (issue.code === 'invalid_type' && issue.input === undefined) return `${key}: missing; add it`;
      if (issue.code === 'unrecognized_keys') return `${key}: unknown option(s) ${issue.keys.join(', ')}; remove them or check their spelling`;
      return `${key}: ${issue.message}; fix the value`;
    }),
  };
}

/**
 * Reports each named variable that is not set. Without `deps.secret` (a runtime that binds
 * secrets later) nothing is checked here and delivery reports a missing one instead.
 */
export function missingSecrets(deps: SecretDeps, names: Record<string, string | undefined>): string[] {
  if (!deps.secret) return [];
  return Object.entries(names).flatMap(([key, name]) =>
    name && !deps.secret!(name) ? [`${key}: the environment variable ${name} is not set; set it to the secret (never write the secret in the config)`] : [],
  );
}
