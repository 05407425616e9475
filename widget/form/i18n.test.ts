import { describe, expect, it } from 'vitest';
import { EN_MESSAGES } from '../../src/schema/messages.ts';
import { catalogueOf, catalogueLanguage as catalogueLanguageOnRelay } from '../../src/relay/catalogues.ts';
import { BUILT_IN_LOCALES, catalogueFor, catalogueLanguage, directionOf, pickLocale } from './i18n.ts';

const placeholders = (text: string | undefined) => text?.match(/\{\w+\}/g)?.sort() ?? null;

describe('pickLocale', () => {
  it('takes the definition, else <html lang>, else the browser, else English', () => {
    expect(pickLocale('de', 'fr', ['es'])).toBe('de');
    expect(pickLocale(undefined, 'fr', ['es'])).toBe('fr');
    expect(pickLocale(undefined, '', ['es-MX', 'en'])).toBe('es-MX');
    expect(pickLocale(undefined, '', [])).toBe('en');
  });

  it('reads the tags pages write as canonical ones, and an unreadable one as English', () => {
    expect(pickLocale(undefined, 'de_DE', [])).toBe('de-DE');
    expect(pickLocale(undefined, 'DE', [])).toBe('de');
    expect(pickLocale(undefined, 'pt-br', [])).toBe('pt-BR');
    expect(pickLocale(undefined, 'not a language tag', ['fr'])).toBe('en');
  });

  it('answers the locale the form shows: English for a page or browser language with no catalogue', () => {
    expect(pickLocale(undefined, 'ar', [])).toBe('ar');
    expect(pickLocale(undefined, 'he-IL', [])).toBe('he-IL');
    expect(pickLocale(undefined, 'ko', ['de'])).toBe('en');
    expect(pickLocale(undefined, 'fa-IR', [])).toBe('en');
    expect(pickLocale(undefined, '', ['sw-KE'])).toBe('en');
  });

  it('keeps the locale a definition names, whose author supplies its words', () => {
    expect(pickLocale('ko', 'de', [])).toBe('ko');
  });
});

describe('directionOf', () => {
  it('is rtl for languages written right to left, else ltr', () => {
    expect(['ar', 'ar-EG', 'he', 'he-IL', 'fa', 'ur-PK'].map(directionOf)).toEqual(Array(6).fill('rtl'));
    expect(['en', 'de-DE', 'ja', 'zh-Hans', 'tr', 'arn'].map(directionOf)).toEqual(Array(6).fill('ltr'));
  });
});

describe('catalogueFor', () => {
  it('has every built-in locale the product promises, two of them right to left', () => {
    expect([...BUILT_IN_LOCALES].sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'he', 'it', 'ja', 'nl', 'pl', 'pt', 'ru', 'tr', 'zh']);
    expect(BUILT_IN_LOCALES.filter((locale) => directionOf(locale) === 'rtl').sort()).toEqual(['ar', 'he']);
  });

  it.each(BUILT_IN_LOCALES.filter((l) => l !== 'en'))('%s words every message, keeping its placeholders', async (locale) => {
    const words = catalogueFor({}, locale, catalogueOf(catalogueLanguageOnRelay(undefined, locale)));
    for (const key of Object.keys(EN_MESSAGES) as (keyof typeof EN_MESSAGES)[]) {
      expect(words[key], key).not.toBe(EN_MESSAGES[key]);
      expect(placeholders(words[key]), key).toEqual(placeholders(EN_MESSAGES[key]));
    }
  });

  it('uses the language of a regional tag, and the form’s own messages over the catalogue', async () => {
    // The relay sends the catalogue of the language a regional tag asks for, with the definition.
    expect(catalogueLanguageOnRelay(undefined, 'fr_CA')).toBe('fr');
    const words = catalogueFor({ messages: { fr: { success: 'Merci beaucoup !' }, 'fr-CA': { submit: 'Soumettre' } } }, 'fr-CA', catalogueOf('fr'));
    expect(words.required).toBe('Ce champ est obligatoire.');
    expect(words.success).toBe('Merci beaucoup !');
    expect(words.submit).toBe('Soumettre');
  });

  it('falls back to English for a language with no catalogue, or a tag nobody can read, on the relay as in the widget', () => {
    expect(catalogueLanguage('ko-KR')).toBe('en');
    expect(catalogueLanguageOnRelay(undefined, 'ko-KR')).toBe('en');
    expect(catalogueLanguageOnRelay(undefined, 'de-%%')).toBe('en');
    expect(catalogueLanguageOnRelay('ja', 'de')).toBe('ja');
    expect(catalogueFor({}, 'ko-KR', catalogueOf('en'))).toEqual(EN_MESSAGES);
  });
});
