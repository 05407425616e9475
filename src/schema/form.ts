/**
 * The public form definition: what the widget downloads from `GET /v1/forms/{id}` and renders.
 * It never holds destinations, origins or secrets; those live in the relay's configuration
 * (`src/relay/config.ts`), which extends this schema.
 *
 * The relay validates definitions with this schema at start-up, so the widget trusts what it
 * downloads and imports only the types from here (and the zod-free `form-keys.ts`): parsing a
 * whole definition in the browser would cost kilobytes on every page for no safety gained.
 */
import * as z from 'zod/mini';
import { FIELD_TYPES, type FieldType, maxLengthOf, RULE_CODES, type RuleCode } from './form-keys.ts';

/** Text shown to visitors: one string, or one per locale (`{"en": "Name", "de": "Name"}`). */
export const LocalizedText = z.union([z.string(), z.record(z.string(), z.string())]);
export type LocalizedText = z.infer<typeof LocalizedText>;

export { FIELD_TYPES, type FieldType, maxLengthOf, RULE_CODES, type RuleCode };

/** Field names travel as JSON keys and CRM mapping keys, so they stay plain identifiers. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const FieldOption = z.object({
  value: z.string().check(z.minLength(1), z.maxLength(200)),
  label: z.optional(LocalizedText),
});

export const FieldDefinition = z.object({
  /** The key under `fields` in a submission, and the name the CRM mapping refers to. */
  name: z.string().check(z.regex(FIELD_NAME, 'a field name is a letter or _ then up to 63 letters, digits or _')),
  type: z.enum(FIELD_TYPES),
  /** @default the field's name */
  label: z.optional(LocalizedText),
  placeholder: z.optional(LocalizedText),
  /** Help text shown under the field and tied to it with aria-describedby. */
  hint: z.optional(LocalizedText),
  /** @default false */
  required: z.optional(z.boolean()),
  minLength: z.optional(z.int().check(z.minimum(0), z.maximum(10_000))),
  /** @default 200 for one-line fields, 5000 for textarea */
  maxLength: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
  /** A regular expression (JavaScript syntax, matched against the whole value). */
  pattern: z.optional(z.string().check(z.maxLength(500))),
  /** Choices of a `select` or `radio` field. */
  options: z.optional(z.array(FieldOption).check(z.maxLength(200))),
  /** Messages for this field, keyed by rule code, overriding the locale's catalogue. */
  messages: z.optional(z.partialRecord(z.enum(RULE_CODES), LocalizedText)),
  /** A page URL parameter that pre-fills this field, e.g. `"email"` for `?email=…`. */
  prefillParam: z.optional(z.string().check(z.maxLength(64))),
  /** For a `hidden` field: its fixed value. @default "" */
  value: z.optional(z.string().check(z.maxLength(2000))),
  /** For a `consent` field: the policy the visitor agrees to, linked from the label. */
  policyUrl: z.optional(z.url()),
  /** The HTML autocomplete token, e.g. `"given-name"`. @default derived from the type */
  autocomplete: z.optional(z.string().check(z.maxLength(64))),
});
export type FieldDefinition = z.infer<typeof FieldDefinition>;

/**
 * Theme values become the form's own CSS custom properties (`colorPrimary` → `--lfd-color-primary`,
 * …); the host page overrides them with the public `--lf-*` names (`--lf-color-primary`), which
 * win over the definition's (see widget/form/styles.ts).
 */
export const Theme = z.object({
  /**
   * A built-in look to start from: "minimal" (underlined fields, square corners) or "rounded"
   * (filled, pill-shaped fields and buttons); the values below still override it. Each is a small
   * stylesheet the widget downloads only for forms that name it. @default the default look
   */
  preset: z.optional(z.enum(['minimal', 'rounded'])),
  /** @default "#2563eb" */
  colorPrimary: z.optional(z.string().check(z.maxLength(64))),
  /** @default "#111827" */
  colorText: z.optional(z.string().check(z.maxLength(64))),
  /** @default "#ffffff" */
  colorBackground: z.optional(z.string().check(z.maxLength(64))),
  /** @default "#b91c1c" */
  colorError: z.optional(z.string().check(z.maxLength(64))),
  /** @default "8px" */
  radius: z.optional(z.string().check(z.maxLength(32))),
  /** @default "system-ui, sans-serif" */
  font: z.optional(z.string().check(z.maxLength(200))),
  /** @default "16px" */
  spacing: z.optional(z.string().check(z.maxLength(32))),
});
export type Theme = z.infer<typeof Theme>;

export const FormDefinition = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a form id is 1 to 64 letters, digits, - or _')),
  title: z.optional(LocalizedText),
  fields: z.array(FieldDefinition).check(z.minLength(1), z.maxLength(100)),
  /** @default "Send" in the visitor's locale */
  submitLabel: z.optional(LocalizedText),
  /** @default "Thank you! We'll be in touch." in the visitor's locale */
  successMessage: z.optional(LocalizedText),
  /** Where the visitor goes after a successful submit; also the answer to a no-JavaScript post. */
  redirectUrl: z.optional(z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. "https://www.example.com/thanks"' })),
  /** @default the page's `<html lang>`, then the browser's language */
  locale: z.optional(z.string().check(z.maxLength(35))),
  /** Messages per locale overriding the built-in catalogue: `{"de": {"success": "Danke!"}}`. */
  messages: z.optional(z.record(z.string(), z.record(z.string(), z.string()))),
  theme: z.optional(Theme),
  /**
   * Cloudflare Turnstile's public site key, when the form asks visitors for a challenge; the
   * relay's configuration names the secret key beside it. @default no challenge
   */
  turnstile: z.optional(z.object({ siteKey: z.string() })),
  /**
   * Whether attribution may be stored only after the visitor consents (`LeadForm('consent', true)`).
   * One form asking makes every page of the relay's script ask, since capture runs before any
   * form is read. @default false
   */
  requireConsent: z.optional(z.boolean()),
});
export type FormDefinition = z.infer<typeof FormDefinition>;
