/**
 * The English words for every message the form shows. The widget adds other locales
 * (`widget/form/locales/`, one file each, loaded only when needed); the relay uses these to
 * explain a 422. Zod-free, because the widget bundles it.
 */
import type { FieldDefinition, LocalizedText } from './form.ts';
import { maxLengthOf, type RuleCode } from './form-keys.ts';

export const EN_MESSAGES = {
  required: 'This field is required.',
  invalid_email: 'Enter a valid email address.',
  invalid_tel: 'Enter a valid phone number.',
  too_short: 'Enter at least {min} characters.',
  too_long: 'Enter at most {max} characters.',
  pattern: 'The format is not valid.',
  invalid_option: 'Choose one of the options.',
  invalid_type: 'This value is not valid.',
  submit: 'Send',
  sending: 'Sending…',
  success: "Thank you! We'll be in touch.",
  failure: 'Your message could not be sent. Please try again.',
  retry: 'Try again',
  offline: "You're offline. Your message is saved and will be sent when you're back online.",
  errors_summary: 'Please correct the highlighted fields.',
  policy: 'Privacy policy',
  close: 'Close',
} satisfies Record<RuleCode | string, string>;
export type MessageKey = keyof typeof EN_MESSAGES;
export type Catalogue = Record<MessageKey, string>;

/** Picks the text for `locale` from a localized value: exact tag, then language, then any. */
export function localize(text: LocalizedText | undefined, locale: string): string | undefined {
  if (text === undefined || typeof text === 'string') return text;
  const language = locale.split('-')[0] ?? locale;
  return text[locale] ?? text[language] ?? text.en ?? Object.values(text)[0];
}

/** Fills `{min}`-style placeholders in a message. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => String(params[key] ?? whole));
}

/** The message for one broken rule of one field, the field's own wording first. */
export function ruleMessage(
  field: FieldDefinition,
  code: RuleCode,
  catalogue: Catalogue,
  locale: string,
): string {
  const own = localize(field.messages?.[code], locale);
  return format(own ?? catalogue[code], { min: field.minLength ?? 0, max: maxLengthOf(field) });
}
