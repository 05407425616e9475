/**
 * Phone numbers into E.164, so every CRM gets `+49301234567` whatever the visitor typed. The
 * relay reads each `tel` field with libphonenumber-js and its full metadata, 59 KB gzip on the
 * Worker: the reason it lives here and never in the widget. A number without a `+` dial code is
 * read as a number of the country the visitor chose for it (`meta.phoneCountries`), else the
 * field's `phone.defaultCountry`, else the region of the submission's locale (`de-AT` → AT).
 *
 * The full metadata rather than the small one, which would save 21 KB gzip: the small one checks
 * only a number's length, so it would call "12345" a German number and hand the CRM "+4912345";
 * with the full one such a number stays as typed (or, for a `strict` field, is refused).
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isCountryCode } from '../../schema/countries.ts';
import type { FieldDefinition } from '../../schema/form.ts';
import type { PhoneReading } from '../../schema/lead.ts';
import { EN_MESSAGES, ruleMessage } from '../../schema/messages.ts';
import type { Submission, SubmissionIssue } from '../../schema/submission.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';

/** A submission whose phone numbers are read: `fields` carry E.164 where valid, `phones` the readings. */
export interface ReadSubmission extends Submission {
  phones?: Record<string, PhoneReading>;
}

/** The region subtag of a BCP 47 locale (`de-AT` → AT, `zh-Hant-TW` → TW), when it is a country. */
export function localeRegion(locale: string | undefined): string | undefined {
  const region = locale
    ?.split(/[-_]/)
    .slice(1)
    .find((part) => /^[A-Za-z]{2}$/.test(part))
    ?.toUpperCase();
  return isCountryCode(region) ? region : undefined;
}

/** Reads one number; `country` is the one a number without a dial code belongs to. */
export function readPhone(typed: string, country: string | undefined): PhoneReading {
  const raw = typed.trim();
  const parsed = parsePhoneNumberFromString(raw, country ? { defaultCountry: country as CountryCode } : undefined);
  if (parsed?.isValid()) return { raw, e164: parsed.number, country: parsed.country ?? country, valid: true };
  return { raw, ...(country ? { country } : {}), valid: false };
}

/**
 * Reads every `tel` field the submission holds. A `strict` field's number that is not valid is
 * refused with 422 `invalid_tel` at its path; any other is kept as typed beside its reading.
 */
export function readPhones(fields: readonly FieldDefinition[], submission: Submission): Refusable<ReadSubmission> {
  const phones: Record<string, PhoneReading> = {};
  const issues: SubmissionIssue[] = [];
  const values = { ...submission.fields };
  for (const field of fields) {
    const typed = values[field.name];
    if (field.type !== 'tel' || typeof typed !== 'string') continue;
    const chosen = submission.meta?.phoneCountries?.[field.name];
    const country = [chosen, field.phone?.defaultCountry, localeRegion(submission.meta?.locale)].find(isCountryCode);
    const reading = readPhone(typed, country);
    if (!reading.valid && field.phone?.strict) {
      issues.push({ path: ['fields', field.name], code: 'invalid_tel', message: ruleMessage(field, 'invalid_tel', EN_MESSAGES, 'en') });
      continue;
    }
    phones[field.name] = reading;
    values[field.name] = reading.e164 ?? reading.raw;
  }
  if (issues.length) {
    return refused(new RelayError('validation_failed', 422, `The submission has ${issues.length} invalid value(s); see issues.`, { issues }));
  }
  return passed(Object.keys(phones).length ? { ...submission, fields: values, phones } : submission);
}
