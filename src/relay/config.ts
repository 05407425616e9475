/**
 * The relay's configuration: forms, where each form's leads go, and how delivery behaves.
 * One JSON file (`leadform.config.json` by default) holds it. It is checked here at start-up, and
 * a bad file stops the relay with every problem named by its key and with the fix.
 *
 * Secrets never appear in this file: a destination names the environment variable that holds
 * each one (`"apiTokenEnv": "PIPEDRIVE_API_TOKEN"`).
 */
import type { Checked } from '../schema/checked.ts';
import * as z from 'zod/mini';
import { FieldDefinition, FieldOption, FormDefinition, PhoneOptions, Step, Theme } from '../schema/form.ts';
import { formDefinitionProblems } from '../schema/form-problems.ts';
import {
  declaredSecrets,
  type DestinationTypes,
  envName,
  FILE_ROOT,
  missingSecret,
  namedSecrets,
  parseChecked,
  secretOptionProblems,
  typeNames,
} from '../schema/problems.ts';

/** `"self"` stands for the relay's own origin, so the demo page works wherever it is served. */
const Origin = z.string().check(
  z.refine((value) => value === 'self' || value === '*' || /^https?:\/\/[^/\s]+$/.test(value), {
    message: 'an origin is "self", "*" or scheme://host[:port] with no path, e.g. "https://www.example.com"',
  }),
);

/**
 * The public schema strips unknown keys, which would hide a typo ("requird": true) in the file:
 * the configuration rebuilds the same shapes strictly, so every unknown key is named.
 */
const StrictField = z.strictObject({
  ...FieldDefinition.shape,
  options: z.optional(z.array(z.strictObject(FieldOption.shape)).check(z.maxLength(300))),
  phone: z.optional(z.strictObject(PhoneOptions.shape)),
});

/** A rate limit: at most `requests` in any `perSeconds` window. */
export const RateRule = z.strictObject({
  requests: z.int().check(z.minimum(1)),
  perSeconds: z.number().check(z.positive()),
});
export type RateRule = z.infer<typeof RateRule>;

export const TurnstileConfig = z.strictObject({
  /** The widget's public site key (Cloudflare dashboard → Turnstile). */
  siteKey: z.string().check(z.minLength(1)),
  /** The environment variable holding the secret key, e.g. `"TURNSTILE_SECRET_KEY"`. */
  secretEnv: envName('TURNSTILE_SECRET_KEY'),
});

export const FormConfig = z.strictObject({
  ...z.omit(FormDefinition, { id: true }).shape,
  fields: z.array(StrictField).check(z.minLength(1), z.maxLength(100)),
  steps: z.optional(z.array(z.strictObject(Step.shape)).check(z.minLength(1), z.maxLength(20))),
  theme: z.optional(z.strictObject(Theme.shape)),
  /**
   * Pages allowed to submit this form, by origin.
   * @default ["self"]
   */
  allowedOrigins: z._default(z.array(Origin), ['self']),
  /** The name of an entry under `destinations`. */
  destination: z.string(),
  /**
   * How this form's fields and attribution map to the destination's fields, overriding the
   * adapter's defaults: `{"company": "org_name", "attribution.first.utm_source": "cf_source"}`.
   */
  mapping: z.optional(z.record(z.string(), z.string())),
  /**
   * Least time, in milliseconds, a person takes to fill the form; faster submissions are bots.
   * @default 1500
   */
  minFillMs: z._default(z.int().check(z.minimum(0)), 1500),
  /** Cloudflare Turnstile, checked server-side before the lead is stored. @default off */
  turnstile: z.optional(TurnstileConfig),
  /** This form's limit over all visitors. @default the top-level `limits.perForm` */
  rateLimit: z.optional(RateRule),
});
export type FormConfig = z.infer<typeof FormConfig>;

/** A destination's own options are checked by its adapter; here only the shared ones. */
export const DestinationConfig = z.looseObject({
  /** The adapter: sandbox, webhook, pipedrive, bitrix24, close, leadsquared or capillary. */
  type: z.string(),
  /** Overrides the vendor's host: a regional host, a sandbox, or a fake in tests. */
  baseUrl: z.optional(z.url()),
});
export type DestinationConfig = z.infer<typeof DestinationConfig>;

export const DeliveryPolicy = z.strictObject({
  /** @default 10 */
  maxAttempts: z._default(z.int().check(z.minimum(1), z.maximum(100)), 10),
  /** First retry waits up to this long; each later one up to twice as long. @default 2000 */
  baseDelayMs: z._default(z.int().check(z.minimum(1)), 2000),
  /** @default 900000 (15 minutes) */
  maxDelayMs: z._default(z.int().check(z.minimum(1)), 900_000),
  /** A lead still undelivered after this many hours goes to the dead letters. @default 72 */
  maxAgeHours: z._default(z.number().check(z.positive()), 72),
  /** How long one call to a destination may take. @default 15000 */
  timeoutMs: z._default(z.int().check(z.minimum(100)), 15_000),
});
export type DeliveryPolicy = z.infer<typeof DeliveryPolicy>;

export const Limits = z.strictObject({
  /** Submissions one IP address may make, over all forms. @default {"requests": 10, "perSeconds": 60} */
  perIp: z._default(RateRule, { requests: 10, perSeconds: 60 }),
  /** Submissions one form takes from all visitors together. @default {"requests": 600, "perSeconds": 60} */
  perForm: z._default(RateRule, { requests: 600, perSeconds: 60 }),
  /** The largest submission body, in bytes. @default 65536 */
  maxBodyBytes: z._default(z.int().check(z.minimum(1024), z.maximum(1_048_576)), 65_536),
});
export type Limits = z.infer<typeof Limits>;

export const Retention = z.strictObject({
  /**
   * Days a delivered lead's payload (its personal data) is kept before it is erased; the outbox
   * row (id, form, destination, state, timings) stays for the record. 0 erases at once.
   * @default 30
   */
  deliveredPayloadDays: z._default(z.number().check(z.minimum(0)), 30),
});
export type Retention = z.infer<typeof Retention>;

export const RelayConfig = z.strictObject({
  /** Lets editors validate the file against a JSON schema; ignored by the relay. */
  $schema: z.optional(z.string()),
  forms: z.record(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)), FormConfig),
  destinations: z.record(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)), DestinationConfig),
  // prefault, not default: an absent block is parsed as {}, so each setting gets its own default.
  delivery: z.prefault(DeliveryPolicy, {}),
  limits: z.prefault(Limits, {}),
  retention: z.prefault(Retention, {}),
});
export type RelayConfig = z.infer<typeof RelayConfig>;

export type ConfigResult = Checked<RelayConfig>;

/**
 * Parses and cross-checks a configuration. Problems come back as lines
 * `key: what is wrong; the fix`, all of them at once so one edit can fix them all.
 */
export function parseConfig(
  input: unknown,
  /**
   * The destination types the relay has adapters for. Given with the secrets each declares (the
   * registry of factories), the file's secrets are checked here too: named by variable, set in `env`.
   */
  destinationTypes?: DestinationTypes,
  /** When given, every secret the file names must be set in it. */
  env?: Record<string, string | undefined>,
): ConfigResult {
  const parsed = parseChecked(RelayConfig, input, FILE_ROOT);
  if (!parsed.ok) return parsed;
  const config = parsed.value;
  const problems: string[] = [];
  const destinationNames = Object.keys(config.destinations);
  const knownTypes = destinationTypes && typeNames(destinationTypes);
  for (const [name, destination] of Object.entries(config.destinations)) {
    if (knownTypes && !knownTypes.includes(destination.type)) {
      problems.push(`destinations.${name}.type: "${destination.type}" is not a destination type; use one of ${knownTypes.join(', ')}`);
    }
    problems.push(...secretOptionProblems(`destinations.${name}`, name, destination, declaredSecrets(destinationTypes, destination.type), env));
  }
  for (const [formId, form] of Object.entries(config.forms)) {
    const at = `forms.${formId}`;
    if (!config.destinations[form.destination]) {
      problems.push(
        `${at}.destination: "${form.destination}" is not declared; add it under "destinations" or use one of: ${destinationNames.join(', ') || '(none declared)'}`,
      );
    }
    if (form.turnstile && env && !env[form.turnstile.secretEnv]) {
      problems.push(missingSecret(`${at}.turnstile.secretEnv`, form.turnstile.secretEnv, 'the Turnstile secret key'));
    }
    const seen = new Set<string>();
    form.fields.forEach((field, index) => {
      const fieldAt = `${at}.fields.${index}`;
      if (seen.has(field.name)) problems.push(`${fieldAt}.name: "${field.name}" is used twice; give each field its own name`);
      seen.add(field.name);
      problems.push(...fieldProblems(field, fieldAt));
    });
    if (seen.size === form.fields.length) problems.push(...formDefinitionProblems(form, at));
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: config };
}

function fieldProblems(field: FieldDefinition, at: string): string[] {
  const problems: string[] = [];
  if ((field.type === 'select' || field.type === 'radio') && !field.options?.length) {
    problems.push(`${at}.options: a ${field.type} field needs options; add [{"value": "…", "label": "…"}]`);
  }
  if (field.pattern !== undefined) {
    try {
      new RegExp(field.pattern, 'u');
    } catch (error) {
      problems.push(`${at}.pattern: not a valid regular expression (${(error as Error).message}); fix the expression`);
    }
  }
  if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength) {
    problems.push(`${at}.minLength: larger than maxLength; lower minLength or raise maxLength`);
  }
  return problems;
}

/**
 * Every secret the configuration names: the environment variables the relay needs at start-up.
 * A destination's are the options its type declares as secrets (`destinationTypes`, the registry).
 */
export function secretNames(config: RelayConfig, destinationTypes: DestinationTypes): string[] {
  const names = new Set<string>();
  for (const destination of Object.values(config.destinations)) {
    for (const [, name] of namedSecrets(destination, declaredSecrets(destinationTypes, destination.type))) names.add(name);
  }
  for (const form of Object.values(config.forms)) if (form.turnstile) names.add(form.turnstile.secretEnv);
  return [...names];
}

/** The form definition the widget may see: everything but origins, destination and mapping. */
export function publicDefinition(formId: string, form: FormConfig): FormDefinition {
  const { allowedOrigins: _origins, destination: _destination, mapping: _mapping, minFillMs: _minFill, turnstile, rateLimit: _rateLimit, ...visible } = form;
  // The site key is public (the challenge needs it in the browser); the secret's name is not.
  return { id: formId, ...visible, ...(turnstile ? { turnstile: { siteKey: turnstile.siteKey } } : {}) };
}
