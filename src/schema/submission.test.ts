import { describe, expect, it } from 'vitest';
import { FormDefinition } from './form.ts';
import { fieldIssue, validateSubmission } from './submission.ts';

const form = FormDefinition.parse({
  id: 'contact',
  fields: [
    { name: 'name', type: 'text', required: true, maxLength: 10 },
    { name: 'email', type: 'email', required: true },
    { name: 'phone', type: 'tel' },
    { name: 'code', type: 'text', pattern: '[A-Z]{3}', minLength: 3 },
    { name: 'size', type: 'select', options: [{ value: 's' }, { value: 'm' }] },
    { name: 'agree', type: 'consent', required: true },
  ],
});
const field = (name: string) => form.fields.find((f) => f.name === name)!;

describe('fieldIssue', () => {
  it('names the first rule a value breaks', () => {
    expect(fieldIssue(field('name'), undefined)).toBe('required');
    expect(fieldIssue(field('name'), '   ')).toBe('required');
    expect(fieldIssue(field('name'), 'x'.repeat(11))).toBe('too_long');
    expect(fieldIssue(field('email'), 'a@b')).toBe('invalid_email');
    expect(fieldIssue(field('email'), 'ada@example.com')).toBeUndefined();
    expect(fieldIssue(field('email'), 'jörg@bücher.de')).toBeUndefined();
    expect(fieldIssue(field('phone'), '12')).toBe('invalid_tel');
    expect(fieldIssue(field('phone'), '+49 (30) 123-456')).toBeUndefined();
    expect(fieldIssue(field('code'), 'AB')).toBe('too_short');
    expect(fieldIssue(field('code'), 'abc')).toBe('pattern');
    expect(fieldIssue(field('code'), 'ABC')).toBeUndefined();
    expect(fieldIssue(field('size'), 'xl')).toBe('invalid_option');
    expect(fieldIssue(field('agree'), false)).toBe('required');
    expect(fieldIssue(field('agree'), true)).toBeUndefined();
  });

  it('lets optional fields stay empty', () => {
    expect(fieldIssue(field('phone'), '')).toBeUndefined();
    expect(fieldIssue(field('phone'), undefined)).toBeUndefined();
    expect(fieldIssue(field('size'), '')).toBeUndefined();
  });
});

describe('validateSubmission', () => {
  it('accepts a valid body, trims values and drops empty optional fields', () => {
    const result = validateSubmission(form, {
      fields: { name: '  Ada ', email: 'ada@example.com', phone: '', agree: true, extra: 'ignored' },
      attribution: { first: { utm_source: 'news' }, touches: 1 },
    });
    expect(result).toEqual({
      ok: true,
      submission: {
        fields: { name: 'Ada', email: 'ada@example.com', agree: true },
        attribution: { first: { utm_source: 'news' }, touches: 1 },
      },
    });
  });

  it('reports every invalid field with its path, code and an English message', () => {
    const result = validateSubmission(form, { fields: { email: 'nope', agree: false } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: ['fields', 'name'], code: 'required', message: 'This field is required.' },
      { path: ['fields', 'email'], code: 'invalid_email', message: 'Enter a valid email address.' },
      { path: ['fields', 'agree'], code: 'required', message: 'This field is required.' },
    ]);
  });

  it('fills a limit into its message', () => {
    const result = validateSubmission(form, { fields: { name: 'x'.repeat(11), email: 'a@b.co', agree: true } });
    expect(!result.ok && result.issues[0]).toMatchObject({ code: 'too_long', message: 'Enter at most 10 characters.' });
  });

  it('refuses a body that is not a submission', () => {
    for (const body of [null, 'text', [], { fields: 'x' }]) {
      const result = validateSubmission(form, body);
      expect(result.ok).toBe(false);
    }
  });

  it('refuses oversized attribution values', () => {
    const result = validateSubmission(form, {
      fields: { name: 'Ada', email: 'ada@example.com', agree: true },
      attribution: { first: { utm_source: 'x'.repeat(501) } },
    });
    expect(!result.ok && result.issues[0]?.path).toEqual(['attribution', 'first', 'utm_source']);
  });
});

describe('the body around the fields', () => {
  const valid = { name: 'Ada', email: 'ada@example.com', agree: true };
  const issuesOf = (body: unknown) => {
    const result = validateSubmission(form, body);
    return result.ok ? [] : result.issues.map(({ path, code }) => [path.join('.'), code]);
  };

  it('names a body or a part of it that has the wrong type, at its path', () => {
    expect(issuesOf(null)).toEqual([['', 'invalid_type']]);
    expect(issuesOf(Object.create(null))).toEqual([['fields', 'invalid_type']]);
    expect(issuesOf({ fields: [] })).toEqual([['fields', 'invalid_type']]);
    expect(issuesOf({ fields: valid, meta: null })).toEqual([['meta', 'invalid_type']]);
    expect(issuesOf({ fields: valid, meta: { fillMs: 1.5, hp: 5 } })).toEqual([
      ['meta.fillMs', 'invalid_type'],
      ['meta.hp', 'invalid_type'],
    ]);
    expect(issuesOf({ fields: valid, attribution: { first: 'x', touches: '1' } })).toEqual([
      ['attribution.first', 'invalid_type'],
      ['attribution.touches', 'invalid_type'],
    ]);
    expect(issuesOf({ fields: valid, meta: { phoneCountries: { phone: 5, ['x'.repeat(65)]: 'DE' } } })).toEqual([
      ['meta.phoneCountries.phone', 'invalid_type'],
      [`meta.phoneCountries.${'x'.repeat(65)}`, 'invalid_key'],
    ]);
  });

  it('names each limit broken, with the message the API has always given', () => {
    const result = validateSubmission(form, {
      fields: valid,
      attribution: { last: { gclid: 'x'.repeat(501), referrer: 'x'.repeat(2049), at: 'x'.repeat(41) }, touches: 1_000_001 },
      meta: { fillMs: -1, locale: 'x'.repeat(36), formVersion: 0, phoneCountries: { phone: 'de' } },
    });
    expect(!result.ok && result.issues).toEqual([
      { path: ['attribution', 'last', 'gclid'], code: 'too_big', message: 'Invalid input' },
      { path: ['attribution', 'last', 'referrer'], code: 'too_big', message: 'Invalid input' },
      { path: ['attribution', 'last', 'at'], code: 'too_big', message: 'Invalid input' },
      { path: ['attribution', 'touches'], code: 'too_big', message: 'Invalid input' },
      { path: ['meta', 'fillMs'], code: 'too_small', message: 'Invalid input' },
      { path: ['meta', 'locale'], code: 'too_big', message: 'Invalid input' },
      { path: ['meta', 'formVersion'], code: 'too_small', message: 'Invalid input' },
      { path: ['meta', 'phoneCountries', 'phone'], code: 'invalid_format', message: 'an ISO 3166-1 alpha-2 code, e.g. "DE"' },
    ]);
    // Up to the limits, nothing.
    expect(issuesOf({ fields: valid, attribution: { first: { utm_source: 'x'.repeat(500) }, touches: 1_000_000 }, meta: { hp: 'x'.repeat(1000) } })).toEqual(
      [],
    );
  });

  it('checks the fields beside a broken limit, but not beside a part of the wrong type', () => {
    expect(issuesOf({ fields: { email: 'nope' }, meta: { fillMs: -1 } })).toEqual([
      ['meta.fillMs', 'too_small'],
      ['fields.name', 'required'],
      ['fields.email', 'invalid_email'],
      ['fields.agree', 'required'],
    ]);
    expect(issuesOf({ fields: { email: 'nope' }, meta: { hp: 5 } })).toEqual([['meta.hp', 'invalid_type']]);
  });

  it('keeps only the keys of each part, in the order the lead is stored and hashed with', () => {
    const result = validateSubmission(form, {
      meta: { phoneCountries: { b: 'DE', a: 'FR' }, junk: 1, fillMs: 3, hp: '' },
      extra: true,
      attribution: { touches: 2, junk: 1, first: { at: '2026-01-01', junk: 1, utm_source: 'news', gclid: 'g' } },
      fields: valid,
    });
    expect(result.ok && JSON.stringify(result.submission)).toBe(
      JSON.stringify({
        fields: valid,
        attribution: { first: { utm_source: 'news', gclid: 'g', at: '2026-01-01' }, touches: 2 },
        meta: { fillMs: 3, hp: '', phoneCountries: { b: 'DE', a: 'FR' } },
      }),
    );
  });

  it('reads only the fields sent, not what every object inherits', () => {
    const inherited = FormDefinition.parse({ id: 'inherited', fields: [{ name: 'constructor', type: 'text', required: true }] });
    const result = validateSubmission(inherited, { fields: {} });
    expect(!result.ok && result.issues).toEqual([{ path: ['fields', 'constructor'], code: 'required', message: 'This field is required.' }]);
  });
});

describe('validateSubmission with conditions', () => {
  const branching = FormDefinition.parse({
    id: 'branching',
    fields: [
      { name: 'email', type: 'email', required: true },
      { name: 'size', type: 'select', options: [{ value: '1-10' }, { value: '51+' }] },
      { name: 'budget', type: 'number', required: true, when: { field: 'size', is: '51+' } },
      { name: 'topics', type: 'checkboxes', options: [{ value: 'crm' }], when: { field: 'size', is: '51+' } },
    ],
  });

  it('does not require a required field its condition hides, and drops its value', () => {
    const result = validateSubmission(branching, { fields: { email: 'a@b.co', size: '1-10', budget: 'not even a number', topics: ['crm'] } });
    expect(result).toEqual({ ok: true, submission: { fields: { email: 'a@b.co', size: '1-10' } } });
  });

  it('requires it once shown, with its path', () => {
    const result = validateSubmission(branching, { fields: { email: 'a@b.co', size: '51+' } });
    expect(!result.ok && result.issues).toEqual([{ path: ['fields', 'budget'], code: 'required', message: 'This field is required.' }]);
  });

  it('keeps the values of shown fields in their types, and drops an empty list', () => {
    const result = validateSubmission(branching, { fields: { email: 'a@b.co', size: '51+', budget: 2500.5, topics: [] } });
    expect(result).toEqual({ ok: true, submission: { fields: { email: 'a@b.co', size: '51+', budget: 2500.5 } } });
  });

  it('takes the country chosen for each phone field', () => {
    const result = validateSubmission(branching, { fields: { email: 'a@b.co' }, meta: { phoneCountries: { phone: 'DE' } } });
    expect(result.ok && result.submission.meta).toEqual({ phoneCountries: { phone: 'DE' } });
    expect(validateSubmission(branching, { fields: { email: 'a@b.co' }, meta: { phoneCountries: { phone: 'Germany' } } }).ok).toBe(false);
  });
});
