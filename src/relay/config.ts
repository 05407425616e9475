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
  /** Where this form's leads go: the name of an entry under `destinations`. Give it or `destinations`, not both. */
  destination: z.optional(z.string()),
  /**
   * Several places this form's leads go, each a name under `destinations`: `["crm", "team-alert"]`.
   * Each destination gets its own outbox entry (state, attempts, dead letter, replay). Give it or
   * `destination`, not both.
   */
  destinations: z.optional(z.array(z.string())),
  /**
   * How this form's fields and attribution map to the destination's fields, overriding the
   * adapter's defaults: `{"company": "org_name", "attribution.first.utm_source": "cf_source"}`.
   * With several destinations, one such map per destination name:
   * `{"crm": {"company": "org_name"}}` (a destination without one gets its adapter's defaults);
   * the flat map is for a form with one destination.
   */
  mapping: z.optional(z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())]))),
  /**
   * Least time, in milliseconds, a person takes to fill the form; faster submissions are bots.
   * @default 1500
   */
  minFillMs: z._default(z.int().check(z.minimum(0)), 1500),
  /** Cloudflare Turnstile, checked server-side before the lead is stored. @default off */
  turnstile: z.optional(TurnstileConfig),
  /** This form's limit over all visitors. @default the top-level `limits.perForm` */
  rateLimit: z.optional(RateRule),
  /**
   * Minutes a partial lead (see `partials`) waits for its final submission; past them it becomes a
   * lead marked `partial`, delivered to the form's destinations that have `deliverPartials: true`.
   * @default 30
   */
  partialAfterMinutes: z._default(z.number().check(z.positive(), z.maximum(43_200)), 30),
});
export type FormConfig = z.infer<typeof FormConfig>;

/** A destination's own options are checked by its adapter; here only the shared ones. */
export const DestinationConfig = z.looseObject({
  /** The adapter: sandbox, webhook, pipedrive, bitrix24, close, leadsquared or capillary. */
  type: z.string(),
  /** Overrides the vendor's host: a regional host, a sandbox, or a fake in tests. */
  baseUrl: z.optional(z.url()),
  /**
   * Whether this destination also receives partial leads: forms with `partials: true` whose
   * visitor left after giving an email or phone, marked `partial: true`.
   * @default false
   */
  deliverPartials: z.optional(z.boolean()),
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
   * Days a delivered lead is kept before retention deletes it, its personal data with it: once
   * every entry of the lead (one per destination) is delivered and this old, its outbox rows go,
   * leaving only a tombstone of its Idempotency-Key (see `deletedKeyDays`). 0 deletes at once.
   * @default 30
   */
  deliveredPayloadDays: z._default(z.number().check(z.minimum(0)), 30),
  /**
   * Days the Idempotency-Key of a deleted lead is still remembered after retention deleted it, so
   * a late retry (a visitor's browser resending a submission it kept offline) is answered with the
   * first id instead of being stored and delivered twice. Keys are then known for at least
   * `deliveredPayloadDays` + this after delivery; keep it above the longest client retry window.
   * @default 30
   */
  deletedKeyDays: z._default(z.number().check(z.minimum(0)), 30),
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
  /**
   * The relay's public address, e.g. "https://forms.example.com": email and Slack alerts link to
   * the lead in the admin page there.
   * @default none: on Node the address it listens on, on Workers no link
   */
  publicUrl: z.optional(z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. "https://forms.example.com"' })),
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
    problems.push(...formDestinationProblems(form, at, destinationNames));
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

/** What is wrong with a form's `destination`, `destinations` and `mapping` keys, each with its fix. */
function formDestinationProblems(form: FormConfig, at: string, declared: string[]): string[] {
  const problems: string[] = [];
  const declaredList = declared.join(', ') || '(none declared)';
  const undeclared = (key: string, name: string) => `${key}: "${name}" is not declared; add it under "destinations" or use one of: ${declaredList}`;
  if (form.destination !== undefined && form.destinations !== undefined) {
    problems.push(`${at}.destinations: given beside "destination"; keep one of the two ("destinations": [...] for several)`);
  } else if (form.destination === undefined && form.destinations === undefined) {
    problems.push(
      `${at}.destination: missing; name where the form's leads go, e.g. "destination": "${declared[0] ?? 'sandbox'}", or list several in "destinations"`,
    );
  }
  if (form.destination !== undefined && !declared.includes(form.destination)) problems.push(undeclared(`${at}.destination`, form.destination));
  if (form.destinations !== undefined) {
    if (form.destinations.length === 0) problems.push(`${at}.destinations: empty; list at least one of: ${declaredList}`);
    form.destinations.forEach((name, index) => {
      if (!declared.includes(name)) problems.push(undeclared(`${at}.destinations.${index}`, name));
      else if (form.destinations!.indexOf(name) !== index) problems.push(`${at}.destinations.${index}: "${name}" is listed twice; list each destination once`);
    });
  }
  if (form.mapping) {
    const values = Object.values(form.mapping);
    const perDestination = values.filter((value) => typeof value !== 'string').length;
    const targets = formDestinations(form);
    if (perDestination > 0 && perDestination < values.length) {
      problems.push(
        `${at}.mapping: mixes field names with destination names; use {"field": "vendor field"} for one destination, or {"${targets[0] ?? 'crm'}": {"field": "vendor field"}} per destination`,
      );
    } else if (perDestination > 0) {
      for (const name of Object.keys(form.mapping)) {
        if (!targets.includes(name)) {
          problems.push(
            `${at}.mapping.${name}: "${name}" is not one of this form's destinations; key the mapping by one of: ${targets.join(', ') || '(none)'}`,
          );
        }
      }
    } else if (targets.length > 1 && values.length > 0) {
      problems.push(
        `${at}.mapping: with several destinations, key the mapping by destination name, e.g. {"${targets[0]}": {${JSON.stringify(Object.keys(form.mapping)[0])}: …}}`,
      );
    }
  }
  return problems;
}

/** The destinations of a form that take its partial leads (`deliverPartials: true`), in the form's order. */
export function partialDestinations(form: Pick<FormConfig, 'destination' | 'destinations'>, config: Pick<RelayConfig, 'destinations'>): string[] {
  return formDestinations(form).filter((name) => config.destinations[name]?.deliverPartials === true);
}

/** The destinations of a form, in the order the configuration lists them: one or several. */
export function formDestinations(form: Pick<FormConfig, 'destination' | 'destinations'>): string[] {
  return form.destinations ?? (form.destination === undefined ? [] : [form.destination]);
}

/**
 * The mapping a form's leads take to `destination`: the flat map of a form with one destination,
 * or the map kept under the destination's name; undefined leaves the adapter's defaults.
 */
export function mappingFor(form: Pick<FormConfig, 'mapping'> | undefined, destination: string): Record<string, string> | undefined {
  const mapping = form?.mapping;
  if (!mapping) return undefined;
  const values = Object.values(mapping);
  if (values.length > 0 && values.every((value) => typeof value === 'string')) return mapping as Record<string, string>;
  const own = mapping[destination];
  return typeof own === 'object' ? own : undefined;
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

/** The form definition the widget may see: everything but origins, destinations and mapping. */
export function publicDefinition(formId: string, form: FormConfig): FormDefinition {
  const {
    allowedOrigins: _origins,
    destination: _destination,
    destinations: _destinations,
    mapping: _mapping,
    minFillMs: _minFill,
    turnstile,
    rateLimit: _rateLimit,
    partialAfterMinutes: _partialAfter,
    ...visible
  } = form;
  // The site key is public (the challenge needs it in the browser); the secret's name is not.
  return { id: formId, ...visible, ...(turnstile ? { turnstile: { siteKey: turnstile.siteKey } } : {}) };
}
