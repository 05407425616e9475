/**
 * Which language the form speaks, and its words: the form definition's locale, else the host
 * page's `<html lang>`, else the browser's; the form's own messages override the catalogue.
 */
import type { FormDefinition } from '../../src/schema/form.ts';
import { type Catalogue, EN_MESSAGES } from '../../src/schema/messages.ts';

const CATALOGUES: Record<string, Partial<Catalogue>> = { en: EN_MESSAGES };

export function pickLocale(definition: FormDefinition): string {
  return definition.locale || document.documentElement.lang || navigator.language || 'en';
}

export function catalogueFor(definition: FormDefinition, locale: string): Catalogue {
  const language = locale.split('-')[0]!.toLowerCase();
  const own = definition.messages ?? {};
  return { ...EN_MESSAGES, ...CATALOGUES[language], ...own[language], ...own[locale] } as Catalogue;
}
