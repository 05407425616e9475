/**
 * Which language the form speaks, and its words: the form definition's locale, else the host
 * page's `<html lang>`, else the browser's. Each catalogue, English too, is its own small chunk,
 * so a visitor downloads only the words of the language they read; a language with no catalogue
 * gets English. The form's own messages override the catalogue.
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
};

/** The languages with a built-in catalogue. */
export const BUILT_IN_LOCALES = Object.keys(CATALOGUES);

/**
 * The first locale that is set, in the documented order, as a canonical tag: pages write
 * `lang="de_DE"` or `lang="DE"`, and a tag the relay would refuse (over 35 characters, or no tag
 * at all) must not cost the lead. An unreadable one means English.
 */
export function pickLocale(fromDefinition: string | undefined, htmlLang: string | undefined, browser: readonly string[] | undefined): string {
  try {
    return Intl.getCanonicalLocales((fromDefinition || htmlLang || browser?.[0] || 'en').replace(/_/g, '-'))[0]!.slice(0, 35);
  } catch {
    return 'en';
  }
}

const languageOf = (locale: string) => locale.split('-')[0]!.toLowerCase();

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
