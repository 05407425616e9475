/**
 * The widget's built-in catalogues, for the relay to send one along with a form's definition
 * (`GET /v1/forms/{id}?locale=de`): the visitor's words then arrive with the form instead of in a
 * chunk that form.js could only ask for once it had itself arrived, one round trip later.
 */
import type { Catalogue } from '../schema/messages.ts';
import { catalogueLanguage as languageShown, pickLocale } from '../../widget/form/i18n.ts';
import ar from '../../widget/form/locales/ar.ts';
import de from '../../widget/form/locales/de.ts';
import en from '../../widget/form/locales/en.ts';
import es from '../../widget/form/locales/es.ts';
import fr from '../../widget/form/locales/fr.ts';
import he from '../../widget/form/locales/he.ts';
import it from '../../widget/form/locales/it.ts';
import ja from '../../widget/form/locales/ja.ts';
import nl from '../../widget/form/locales/nl.ts';
import pl from '../../widget/form/locales/pl.ts';
import pt from '../../widget/form/locales/pt.ts';
import ru from '../../widget/form/locales/ru.ts';
import tr from '../../widget/form/locales/tr.ts';
import zh from '../../widget/form/locales/zh.ts';

const CATALOGUES: Record<string, Catalogue> = { ar, de, en, es, fr, he, it, ja, nl, pl, pt, ru, tr, zh };

/**
 * The language whose catalogue a form shows, by the widget's own rule (`pickLocale` and
 * `catalogueLanguage` in widget/form/i18n.ts): the definition's locale, else the one the
 * visitor's page asked for; a language with no built-in catalogue, or an unreadable tag, means English.
 */
export const catalogueLanguage = (definitionLocale: string | undefined, asked: string | undefined): string =>
  languageShown(pickLocale(definitionLocale, asked, undefined));

/** The built-in catalogue of `language` (a language `catalogueLanguage` returned). */
export const catalogueOf = (language: string): Catalogue => CATALOGUES[language] ?? en;
