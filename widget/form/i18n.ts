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

type CatalogueModule = { default: Catalogue };

const CATALOGUES: Record<string, () => Promise<CatalogueModule>> = {
  en: () => import('./locales/en.ts'),
  de: () => import('./locales/de.ts'),
  es: () => import('./locales/es.ts'),
  fr: () => import('./locales/fr.ts'),
  pt: () => import('./locales/pt.ts'),
  ru: () => import('./locales/ru.ts'),
  it: () => import('./locales/it.ts'),
  nl: () => import('./locales/nl.ts'),
  pl: () => import('./locales/pl.ts'),
  tr: () => import('./locales/tr.ts'),
  ja: () => import('./locales/ja.ts'),
  zh: () => import('./locales/zh.ts'),
  ar: () => import('./locales/ar.ts'),
  he: () => import('./locales/he.ts'),
};

/** The languages with a built-in catalogue. */
export const BUILT_IN_LOCALES = Object.keys(CATALOGUES);

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
  return fromDefinition || CATALOGUES[languageOf(locale)] ? locale : 'en';
}

/** The words for `locale`: the built-in catalogue of its language (else English), then the form's own. */
export async function catalogueFor(definition: Pick<FormDefinition, 'messages'>, locale: string): Promise<Catalogue> {
  const language = languageOf(locale);
  const english = CATALOGUES.en!;
  // A chunk that fails to load (a flaky network) leaves the form in English rather than absent.
  const builtIn = await (CATALOGUES[language] ?? english)().catch(english);
  const own = definition.messages ?? {};
  return { ...builtIn.default, ...own[language], ...own[locale] };
}

/** Starts downloading a catalogue before it is needed, so it is there when the definition arrives. */
export function preloadCatalogue(locale: string): void {
  void (CATALOGUES[languageOf(locale)] ?? CATALOGUES.en!)().catch(() => undefined);
}
