/**
 * The relay's configuration: forms, where each form's leads go, and how delivery behaves.
 * One JSON file (`leadform.config.json` by default) holds it. It is checked here at start-up, and
 * a bad file stops the relay with every problem named by its key and with the fix.
 *
 * Secrets never appear in this file: a destination names the environment variable that holds
 * each one (`"apiTokenEnv": "PIPEDRIVE_API_TOKEN"`).
 */
import * as z from 'zod/mini';
import { FieldDefinition, FormDefinition } from '../schema/form.ts';

/** `"self"` stands for the relay's own origin, so the demo page works wherever it is served. */
const Origin = z.string().check(
  z.refine((value) => value === 'self' || value === '*' || /^https?:\/\/[^/\s]+$/.test(value), {
    message: 'an origin is "self", "*" or scheme://host[:port] with no path, e.g. "https://www.example.com"',
  }),
);

export const FormConfig = z.object({
  ...z.omit(FormDefinition, { id: true }).shape,
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

export const DeliveryPolicy = z.object({
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

export const RelayConfig = z.object({
  forms: z.record(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)), FormConfig),
  destinations: z.record(z.string(), DestinationConfig),
  // prefault, not default: an absent block is parsed as {}, so each setting gets its own default.
  delivery: z.prefault(DeliveryPolicy, {}),
});
export type RelayConfig = z.infer<typeof RelayConfig>;

export type ConfigResult = { ok: true; config: RelayConfig } | { ok: false; problems: string[] };

/**
 * Parses and cross-checks a configuration. Problems come back as lines
 * `key: what is wrong; the fix`, all of them at once so one edit can fix them all.
 */
export function parseConfig(input: unknown, knownDestinationTypes?: readonly string[]): ConfigResult {
  const parsed = RelayConfig.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(file)'}: ${explain(issue)}`),
    };
  }
  const config = parsed.data;
  const problems: string[] = [];
  const destinationNames = Object.keys(config.destinations);
  for (const [name, destination] of Object.entries(config.destinations)) {
    if (knownDestinationTypes && !knownDestinationTypes.includes(destination.type)) {
      problems.push(`destinations.${name}.type: "${destination.type}" is not a destination type; use one of ${knownDestinationTypes.join(', ')}`);
    }
  }
  for (const [formId, form] of Object.entries(config.forms)) {
    const at = `forms.${formId}`;
    if (!config.destinations[form.destination]) {
      problems.push(`${at}.destination: "${form.destination}" is not declared; add it under "destinations" or use one of: ${destinationNames.join(', ') || '(none declared)'}`);
    }
    const seen = new Set<string>();
    form.fields.forEach((field, index) => {
      const fieldAt = `${at}.fields.${index}`;
      if (seen.has(field.name)) problems.push(`${fieldAt}.name: "${field.name}" is used twice; give each field its own name`);
      seen.add(field.name);
      problems.push(...fieldProblems(field, fieldAt));
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, config };
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

function explain(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}${issue.input === undefined ? ', but it is missing; add it' : `, got ${typeof issue.input}; change the value`}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${issue.keys.join(', ')}; remove them or check their spelling`;
    default:
      return issue.message;
  }
}

/** The form definition the widget may see: everything but origins, destination and mapping. */
export function publicDefinition(formId: string, form: FormConfig): FormDefinition {
  const { allowedOrigins: _origins, destination: _destination, mapping: _mapping, minFillMs: _minFill, ...visible } = form;
  return { id: formId, ...visible };
}
