/**
 * Wording a message: picking a localized text, filling placeholders, and the message for a broken
 * rule. Zod-free and catalogue-free, because the widget bundles it and loads the words of each
 * language separately.
 */
import type { FieldDefinition, LocalizedText } from './form.ts';
import { ruleParams } from './field.ts';
import type { RuleCode } from './form-keys.ts';
import type { Catalogue } from './messages.ts';

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
export function ruleMessage(field: FieldDefinition, code: RuleCode, catalogue: Catalogue, locale: string): string {
  const own = localize(field.messages?.[code], locale);
  return format(own ?? catalogue[code], ruleParams(field));
}
