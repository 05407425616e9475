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

/** An ISO 3166-1 alpha-2 region code in upper case, e.g. "DE". */
const CountryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'a country is an ISO 3166-1 alpha-2 code in upper case, e.g. "DE"'));

const FieldName = z.string().check(z.regex(FIELD_NAME, 'a field name is a letter or _ then up to 63 letters, digits or _'));

/**
 * When a field or a step is shown, from the values of other fields. A field that is not shown
 * counts as empty here, so a chain of conditions collapses with its first link. For a
 * `checkboxes` value (a list), `is` means "includes" and `in` means "includes any of".
 */
export type Condition =
  | { field: string; is: string | number | boolean }
  | { field: string; in: (string | number)[] }
  | { field: string; notEmpty: boolean }
  | { field: string; checked: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const CONDITION_SHAPES =
  'a condition is {"field", "is": value}, {"field", "in": [values]}, {"field", "notEmpty": true}, {"field", "checked": true}, {"all": [conditions]}, {"any": [conditions]} or {"not": condition}, e.g. {"field": "size", "in": ["51+"]}';

/** The schema of a `when`; strict, so a misspelt operator (`"equals"`) is refused, not ignored. */
export const Condition: z.ZodMiniType<Condition> = z.lazy(() =>
  z.union(
    [
      z.strictObject({ field: FieldName, is: z.union([z.string(), z.number(), z.boolean()]) }),
      z.strictObject({
        field: FieldName,
        in: z.array(z.union([z.string(), z.number()])).check(z.minLength(1, 'list at least one value, e.g. ["51+"]'), z.maxLength(200)),
      }),
      z.strictObject({ field: FieldName, notEmpty: z.boolean() }),
      z.strictObject({ field: FieldName, checked: z.boolean() }),
      z.strictObject({ all: z.array(Condition).check(z.minLength(1, 'list at least one condition, e.g. [{"field": "size", "is": "51+"}]'), z.maxLength(50)) }),
      z.strictObject({ any: z.array(Condition).check(z.minLength(1, 'list at least one condition, e.g. [{"field": "size", "is": "51+"}]'), z.maxLength(50)) }),
      z.strictObject({ not: Condition }),
    ],
    { error: CONDITION_SHAPES },
  ),
);

/** How the relay reads a `tel` field's number (libphonenumber-js) and delivers it in E.164. */
export const PhoneOptions = z.object({
  /**
   * The country a number without a `+` dial code belongs to, when the visitor chose none.
   * @default the region of the submission's locale (`de-AT` → AT)
   */
  defaultCountry: z.optional(CountryCode),
  /**
   * Refuse (422 `invalid_tel`) a number that does not parse as a possible number of its country,
   * rather than deliver it as typed. @default false
   */
  strict: z.optional(z.boolean()),
});
export type PhoneOptions = z.infer<typeof PhoneOptions>;

export const FieldOption = z.object({
  value: z.string().check(z.minLength(1), z.maxLength(200)),
  label: z.optional(LocalizedText),
});

export const FieldDefinition = z.object({
  /** The key under `fields` in a submission, and the name the CRM mapping refers to. */
  name: FieldName,
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
  /**
   * Choices of a `select`, `radio` or `checkboxes` field; for a `country` field, the countries
   * offered (values are ISO codes). @default every country, for a `country` field
   */
  options: z.optional(z.array(FieldOption).check(z.maxLength(300))),
  /**
   * The least value of a `number` field (a number), or the earliest day of a `date` field
   * (`"YYYY-MM-DD"`). @default no bound
   */
  // Which of the two a field takes is its type's to say: the configuration check names the one meant.
  min: z.optional(z.union([z.number(), z.string().check(z.maxLength(10))])),
  /** The greatest value of a `number` field, or the latest day of a `date` field. @default no bound */
  max: z.optional(z.union([z.number(), z.string().check(z.maxLength(10))])),
  /** The steps a `number` field's value moves in, counted from `min` (or 0). @default any number */
  step: z.optional(z.number().check(z.positive())),
  /** The fewest choices of a `checkboxes` field, once any is ticked (`required` asks for one). @default 0 */
  minSelected: z.optional(z.int().check(z.minimum(0), z.maximum(300))),
  /** The most choices of a `checkboxes` field. @default as many as there are options */
  maxSelected: z.optional(z.int().check(z.minimum(1), z.maximum(300))),
  /** Show this field only when the condition holds; a field not shown is never required nor sent. @default always shown */
  when: z.optional(Condition),
  /** For a `tel` field: how the relay reads the number. @default the loose phone rule only, delivered as typed */
  phone: z.optional(PhoneOptions),
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

/** One page of a multi-step form: its fields, in order, shown together. */
export const Step = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a step id is 1 to 64 letters, digits, - or _')),
  /** The step's heading, which focus moves to when the step opens. @default no heading */
  title: z.optional(LocalizedText),
  /** Names of the fields of this step, each in one step at most. */
  fields: z.array(FieldName).check(z.minLength(1), z.maxLength(100)),
  /** Show this step only when the condition holds (it reads fields of earlier steps). @default always shown */
  when: z.optional(Condition),
});
export type Step = z.infer<typeof Step>;

export const FormDefinition = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a form id is 1 to 64 letters, digits, - or _')),
  title: z.optional(LocalizedText),
  fields: z.array(FieldDefinition).check(z.minLength(1), z.maxLength(100)),
  /**
   * The form's steps, in order. Every field belongs to one step, except `hidden` fields, which
   * ride along on every step. @default one step holding every field
   */
  steps: z.optional(z.array(Step).check(z.minLength(1), z.maxLength(20))),
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
  /**
   * Whether the widget keeps a started form at the relay (`POST /v1/forms/{id}/partials`) once a
   * valid email or phone is in and a required consent box is ticked. @default false
   */
  partials: z.optional(z.boolean()),
});
export type FormDefinition = z.infer<typeof FormDefinition>;
