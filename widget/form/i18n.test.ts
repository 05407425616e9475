import { describe, expect, it } from 'vitest';
import { EN_MESSAGES } from '../../src/schema/messages.ts';
import { BUILT_IN_LOCALES, catalogueFor, pickLocale } from './i18n.ts';

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
});

describe('catalogueFor', () => {
  it('has every built-in locale the product promises', () => {
    expect([...BUILT_IN_LOCALES].sort()).toEqual(['de', 'en', 'es', 'fr', 'pt', 'ru']);
  });

  it.each(BUILT_IN_LOCALES.filter((l) => l !== 'en'))('%s words every message, keeping its placeholders', async (locale) => {
    const words = await catalogueFor({}, locale);
    for (const key of Object.keys(EN_MESSAGES) as (keyof typeof EN_MESSAGES)[]) {
      expect(words[key], key).not.toBe(EN_MESSAGES[key]);
      expect(words[key].match(/\{\w+\}/g), key).toEqual(EN_MESSAGES[key].match(/\{\w+\}/g));
    }
  });

  it('uses the language of a regional tag, and the form’s own messages over the catalogue', async () => {
    const words = await catalogueFor({ messages: { fr: { success: 'Merci beaucoup !' }, 'fr-CA': { submit: 'Soumettre' } } }, 'fr-CA');
    expect(words.required).toBe('Ce champ est obligatoire.');
    expect(words.success).toBe('Merci beaucoup !');
    expect(words.submit).toBe('Soumettre');
  });

  it('falls back to English for a language with no catalogue', async () => {
    expect(await catalogueFor({}, 'ja-JP')).toEqual(EN_MESSAGES);
  });
});
