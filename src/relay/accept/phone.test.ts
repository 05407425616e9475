import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../schema/form.ts';
import { localeRegion, readPhone, readPhones } from './phone.ts';

describe('localeRegion', () => {
  it.each([
    ['de-AT', 'AT'],
    ['pt_br', 'BR'],
    ['zh-Hant-TW', 'TW'],
    ['en', undefined],
    ['es-419', undefined],
    ['en-XX', undefined],
    [undefined, undefined],
  ])('%s → %s', (locale, region) => {
    expect(localeRegion(locale)).toBe(region);
  });
});

describe('readPhone', () => {
  it('reads a national number with its country into E.164', () => {
    expect(readPhone(' 030 1234567 ', 'DE')).toEqual({ raw: '030 1234567', e164: '+49301234567', country: 'DE', valid: true });
  });

  it('lets a + dial code win over the country given', () => {
    expect(readPhone('+1 (415) 555-2671', 'DE')).toEqual({ raw: '+1 (415) 555-2671', e164: '+14155552671', country: 'US', valid: true });
  });

  it('calls a number of a possible length but no real range not valid (the full metadata, not the small one)', () => {
    expect(readPhone('12345', 'DE')).toEqual({ raw: '12345', country: 'DE', valid: false });
  });

  it('cannot read a national number without a country', () => {
    expect(readPhone('030 1234567', undefined)).toEqual({ raw: '030 1234567', valid: false });
  });
});

describe('readPhones', () => {
  const fields: FieldDefinition[] = [
    { name: 'phone', type: 'tel', phone: { defaultCountry: 'DE' } },
    { name: 'office', type: 'tel' },
    { name: 'strict', type: 'tel', phone: { strict: true } },
    { name: 'name', type: 'text' },
  ];

  it('reads with the country the visitor chose, then the field default, then the locale region', () => {
    const result = readPhones(fields, {
      fields: { phone: '0664 1234567', office: '01 23 45 67 89', name: '030 1234567' },
      meta: { phoneCountries: { phone: 'AT' }, locale: 'fr-FR' },
    });
    expect(result.ok && result.value).toEqual({
      fields: { phone: '+436641234567', office: '+33123456789', name: '030 1234567' },
      phones: {
        phone: { raw: '0664 1234567', e164: '+436641234567', country: 'AT', valid: true },
        office: { raw: '01 23 45 67 89', e164: '+33123456789', country: 'FR', valid: true },
      },
      meta: { phoneCountries: { phone: 'AT' }, locale: 'fr-FR' },
    });
    const byDefault = readPhones(fields, { fields: { phone: '030 1234567' }, meta: { locale: 'fr-FR' } });
    expect(byDefault.ok && byDefault.value.fields.phone).toBe('+49301234567');
  });

  it('refuses a strict field whose number is not valid, with its path', () => {
    const result = readPhones(fields, { fields: { strict: '12345', phone: '12345' }, meta: { locale: 'de-DE' } });
    expect(!result.ok && [result.error.status, result.error.extra.issues]).toEqual([
      422,
      [{ path: ['fields', 'strict'], code: 'invalid_tel', message: 'Enter a valid phone number.' }],
    ]);
  });

  it('leaves a submission without phones as it is', () => {
    const submission = { fields: { name: 'Ada' } };
    expect(readPhones(fields, submission)).toEqual({ ok: true, value: submission });
  });
});
