/**
 * Which language the form speaks, and its words: the form definition's locale, else the host
 * page's `<html lang>`, else the browser's. Each catalogue, English too, is its own small chunk,
 * so a visitor downloads only the words of the language they read. The form's own messages
 * override the catalogue.
 *
 * The locale `pickLocale` returns is the one the form shows, not merely the one asked for: a page
 * in a language with no catalogue gets English and says so (`lang="en"`, `dir="ltr"`, and the
 * lead's `meta.locale` is "en"), so a screen reader does not read English words as another
 * language, and the CRM does not record a language the visitor never saw.
 */
import type { FormDefinition } from '../../src/schema/form.ts';
import type { Catalogue } from '../../src/schema/messages.ts';

/** The languages with a built-in catalogue (`locales/`). The relay sends the one a form shows with its definition. */
export const BUILT_IN_LOCALES: readonly string[] = ['en', 'de', 'es', 'fr', 'pt', 'ru', 'it', 'nl', 'pl', 'tr', 'ja', 'zh', 'ar', 'he'];

const languageOf = (locale: string) => locale.split('-')[0]!.toLowerCase();

/** `"rtl"` for a locale of a language written right to left (`ar`, `he-IL`, `fa`, `ur`…), else `"ltr"`. */
export const directionOf = (locale: string): 'rtl' | 'ltr' => (/^(ar|he|fa|ur|ps|yi|dv|ckb|sd|ug|syr)$/.test(languageOf(locale)) ? 'rtl' : 'ltr');

/**
 * The locale the form shows, as a canonical tag: the first that is set, in the documented order.
 * Pages write `lang="de_DE"` or `lang="DE"`, and a tag the relay would refuse (over 35
 * characters, or no tag at all) must not cost the lead: an unreadable one means English. A page
 * or browser language with no built-in catalogue means English too, since English is what the
 * visitor will read. A locale the definition names is kept as it is: the form's author chose it
 * and supplies its words (`messages`, localized labels).
 */
export function pickLocale(fromDefinition: string | undefined, htmlLang: string | undefined, browser: readonly string[] | undefined): string {
  let locale: string;
  try {
    locale = Intl.getCanonicalLocales((fromDefinition || htmlLang || browser?.[0] || 'en').replace(/_/g, '-'))[0]!.slice(0, 35);
  } catch {
    return 'en';
  }
  return fromDefinition || BUILT_IN_LOCALES.includes(languageOf(locale)) ? locale : 'en';
}

/** The language of the built-in catalogue a form in `locale` shows: its own, else English. */
export const catalogueLanguage = (locale: string): string => (BUILT_IN_LOCALES.includes(languageOf(locale)) ? languageOf(locale) : 'en');

/** The words for `locale`: the built-in catalogue of its language (else English), then the form's own. */
export function catalogueFor(definition: Pick<FormDefinition, 'messages'>, locale: string, builtIn: Catalogue): Catalogue {
  const own = definition.messages ?? {};
  return { ...builtIn, ...own[languageOf(locale)], ...own[locale] };
}
