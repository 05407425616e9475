/**
 * What the Workers entry and its Durable Objects share: the bundled configuration, parsed once
 * per isolate, and the bindings the relay expects.
 */
import configFile from 'leadform:config';
import type { DurableObjectNamespace } from 'cloudflare:workers';
import { destinationFactories } from '../../destinations/index.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from '../../relay/admin.ts';
import { parseConfig, type RelayConfig, secretNames } from '../../relay/config.ts';
import type { InsightObject } from './insight-object.ts';
import type { OutboxObject } from './outbox-object.ts';
import type { RateLimiterObject } from './rate-limiter-object.ts';

export interface Env {
  /** One outbox per destination (`idFromName(destination)`). */
  OUTBOX: DurableObjectNamespace<OutboxObject>;
  /** The funnel counters, one object per form (`idFromName(formId)`). */
  INSIGHT: DurableObjectNamespace<InsightObject>;
  /** One token bucket per rate-limit key (`ip:…`, `form:…`). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiterObject>;
  /** The admin API's bearer token (`wrangler secret put LEADFORM_ADMIN_TOKEN`); unset turns it off. */
  LEADFORM_ADMIN_TOKEN?: string;
  /** Overrides Cloudflare's Turnstile siteverify endpoint, for a local fake. */
  LEADFORM_TURNSTILE_VERIFY_URL?: string;
  /** Secrets the configuration names by environment variable (`wrangler secret put NAME`). */
  [name: string]: unknown;
}

// The file was validated when the bundle was built; parsing again fills in the defaults.
const parsed = parseConfig(configFile, destinationFactories);
if (!parsed.ok) throw new Error(`leadform: the bundled configuration is invalid:\n${parsed.problems.join('\n')}`);
export const config: RelayConfig = parsed.value;

/** Reads a secret from the Worker's bindings (secrets and vars). */
export function secretFrom(env: Env): (name: string) => string | undefined {
  return (name) => {
    const value = env[name];
    return typeof value === 'string' ? value : undefined;
  };
}

/** Why the bound admin token cannot be used (too short), or null; unset or empty turns the admin API off instead. */
export function adminTokenProblem(env: Env): string | null {
  const token = env.LEADFORM_ADMIN_TOKEN;
  if (typeof token !== 'string' || token === '' || token.length >= MIN_ADMIN_TOKEN_LENGTH) return null;
  return (
    `LEADFORM_ADMIN_TOKEN is ${token.length} characters, too short to keep the admin API safe from guessing; set one of at least ${MIN_ADMIN_TOKEN_LENGTH} random characters ` +
    '(openssl rand -hex 32 | npx wrangler secret put LEADFORM_ADMIN_TOKEN), or delete it to turn the admin API off, then redeploy.'
  );
}

/**
 * The secrets the configuration names that are not bound: a deploy missing `wrangler secret put`.
 * Which options are secrets, each adapter declares; the Turnstile secret key is the relay's own.
 */
export function missingSecrets(env: Env): string[] {
  const read = secretFrom(env);
  return secretNames(config, destinationFactories).filter((name) => !read(name));
}
