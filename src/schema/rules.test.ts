/**
 * One table of cases for every rule of every field type, run through both sides: the widget's
 * `fieldIssue` and the relay's `validateSubmission`. A case the two disagree on fails here.
 */
import { describe, expect, it } from 'vitest';
import { type FieldValue, fieldIssue, ruleParams } from './field.ts';
import { type FieldDefinition, FormDefinition, type RuleCode } from './form.ts';
import { EN_MESSAGES, ruleMessage } from './messages.ts';
import { validateSubmission } from './submission.ts';

type Case = [what: string, field: Omit<FieldDefinition, 'name'>, value: FieldValue | undefined, expected: RuleCode | undefined];

const options = [{ value: 'crm' }, { value: 'api' }, { value: 'billing' }];

const CASES: Case[] = [
  // text and textarea
  ['required text, missing', { type: 'text', required: true }, undefined, 'required'],
  ['required text, blank', { type: 'text', required: true }, '   ', 'required'],
  ['optional text, empty', { type: 'text' }, '', undefined],
  ['text, too short', { type: 'text', minLength: 3 }, 'ab', 'too_short'],
  ['text, too short once trimmed', { type: 'text', minLength: 3 }, ' ab ', 'too_short'],
  ['text, over the default 200', { type: 'text' }, 'x'.repeat(201), 'too_long'],
  ['text, at the default 200', { type: 'text' }, 'x'.repeat(200), undefined],
  ['textarea, 5000 allowed', { type: 'textarea' }, 'x'.repeat(5000), undefined],
  ['textarea, over 5000', { type: 'textarea' }, 'x'.repeat(5001), 'too_long'],
  ['text, pattern broken', { type: 'text', pattern: '[A-Z]{3}' }, 'abc', 'pattern'],
  ['text, pattern matched whole', { type: 'text', pattern: '[A-Z]{3}' }, 'ABC', undefined],
  ['text, pattern matched in part only', { type: 'text', pattern: '[A-Z]{3}' }, 'ABCD', 'pattern'],
  ['text, a number', { type: 'text' }, 42, 'invalid_type'],
  ['text, a list', { type: 'text' }, ['a'], 'invalid_type'],
  // email
  ['email, no domain dot', { type: 'email' }, 'a@b', 'invalid_email'],
  ['email, valid', { type: 'email' }, 'ada@example.com', undefined],
  ['email, international', { type: 'email' }, 'jörg@bücher.de', undefined],
  ['email, over 254', { type: 'email', maxLength: 1000 }, `${'a'.repeat(250)}@b.co`, 'too_long'],
  // tel
  ['tel, too few digits', { type: 'tel' }, '12', 'invalid_tel'],
  ['tel, words', { type: 'tel' }, 'call me', 'invalid_tel'],
  ['tel, as people write it', { type: 'tel' }, '+49 (30) 123-456', undefined],
  // checkbox and consent
  ['required consent, unticked', { type: 'consent', required: true }, false, 'required'],
  ['required consent, missing', { type: 'consent', required: true }, undefined, 'required'],
  ['required consent, ticked', { type: 'consent', required: true }, true, undefined],
  ['optional checkbox, unticked', { type: 'checkbox' }, false, undefined],
  ['checkbox, a string', { type: 'checkbox' }, 'yes', 'invalid_type'],
  // select and radio
  ['select, unknown option', { type: 'select', options }, 'xl', 'invalid_option'],
  ['select, known option', { type: 'select', options }, 'crm', undefined],
  ['required radio, empty', { type: 'radio', options, required: true }, '', 'required'],
  ['radio, a number', { type: 'radio', options }, 1, 'invalid_option'],
  // checkboxes
  ['checkboxes, two known', { type: 'checkboxes', options }, ['crm', 'api'], undefined],
  ['required checkboxes, none', { type: 'checkboxes', options, required: true }, [], 'required'],
  ['optional checkboxes, none, though min 2', { type: 'checkboxes', options, minSelected: 2 }, [], undefined],
  ['checkboxes, fewer than min', { type: 'checkboxes', options, minSelected: 2 }, ['crm'], 'too_few'],
  ['checkboxes, exactly min', { type: 'checkboxes', options, minSelected: 2 }, ['crm', 'api'], undefined],
  ['checkboxes, more than max', { type: 'checkboxes', options, maxSelected: 2 }, ['crm', 'api', 'billing'], 'too_many'],
  ['checkboxes, unknown choice', { type: 'checkboxes', options }, ['crm', 'fax'], 'invalid_option'],
  ['checkboxes, a choice twice', { type: 'checkboxes', options }, ['crm', 'crm'], 'invalid_option'],
  ['checkboxes, one string not a list', { type: 'checkboxes', options }, 'crm', 'invalid_type'],
  ['checkboxes, a list of numbers', { type: 'checkboxes', options }, [1] as unknown as string[], 'invalid_type'],
  // number
  ['number, in range', { type: 'number', min: 1, max: 10 }, 5, undefined],
  ['number, below min', { type: 'number', min: 1 }, 0, 'too_small'],
  ['number, at min', { type: 'number', min: 1 }, 1, undefined],
  ['number, above max', { type: 'number', max: 10 }, 10.5, 'too_large'],
  ['number, negative allowed without min', { type: 'number' }, -3, undefined],
  ['number, zero is a value, not empty', { type: 'number', required: true }, 0, undefined],
  ['number, text of digits', { type: 'number' }, '5', 'invalid_number'],
  ['required number, empty text', { type: 'number', required: true }, '', 'required'],
  ['number, off its step', { type: 'number', step: 5 }, 12, 'step_mismatch'],
  ['number, on its step', { type: 'number', step: 5 }, 15, undefined],
  ['number, step counted from min', { type: 'number', min: 1, step: 5 }, 11, undefined],
  ['number, step counted from min, off', { type: 'number', min: 1, step: 5 }, 10, 'step_mismatch'],
  ['number, decimal step, floating point', { type: 'number', step: 0.1 }, 0.3, undefined],
  ['number, decimal step, 1.15 in cents', { type: 'number', step: 0.01 }, 1.15, undefined],
  ['number, decimal step, large value', { type: 'number', step: 0.01 }, 123456.79, undefined],
  ['number, decimal step, off', { type: 'number', step: 0.1 }, 0.35, 'step_mismatch'],
  // date
  ['date, valid', { type: 'date' }, '2026-02-28', undefined],
  ['date, no such day', { type: 'date' }, '2026-02-30', 'invalid_date'],
  ['date, leap day', { type: 'date' }, '2028-02-29', undefined],
  ['date, other format', { type: 'date' }, '28.02.2026', 'invalid_date'],
  ['date, with a time', { type: 'date' }, '2026-02-28T10:00', 'invalid_date'],
  ['date, before min', { type: 'date', min: '2026-01-01' }, '2025-12-31', 'too_early'],
  ['date, on min', { type: 'date', min: '2026-01-01' }, '2026-01-01', undefined],
  ['date, after max', { type: 'date', max: '2026-12-31' }, '2027-01-01', 'too_late'],
  ['date, a number', { type: 'date' }, 20260101, 'invalid_date'],
  // url
  ['url, https', { type: 'url' }, 'https://www.example.com/pricing?x=1', undefined],
  ['url, http', { type: 'url' }, 'http://example.com', undefined],
  ['url, no scheme', { type: 'url' }, 'www.example.com', 'invalid_url'],
  ['url, ftp', { type: 'url' }, 'ftp://example.com', 'invalid_url'],
  ['url, javascript', { type: 'url' }, 'javascript:alert(1)', 'invalid_url'],
  ['url, no host', { type: 'url' }, 'https://', 'invalid_url'],
  ['url, a space inside', { type: 'url' }, 'https://exa mple.com', 'invalid_url'],
  ['url, over 2048', { type: 'url' }, `https://example.com/${'x'.repeat(2048)}`, 'too_long'],
  // country
  ['country, ISO code', { type: 'country' }, 'DE', undefined],
  ['country, lower case', { type: 'country' }, 'de', 'invalid_country'],
  ['country, not assigned', { type: 'country' }, 'XK', 'invalid_country'],
  ['country, a name', { type: 'country' }, 'Germany', 'invalid_country'],
  ['country, outside its options', { type: 'country', options: [{ value: 'AT' }, { value: 'CH' }] }, 'DE', 'invalid_country'],
  ['country, inside its options', { type: 'country', options: [{ value: 'AT' }, { value: 'CH' }] }, 'CH', undefined],
  ['required country, missing', { type: 'country', required: true }, undefined, 'required'],
  // hidden
  ['hidden, a value', { type: 'hidden' }, 'ads', undefined],
];

describe.each(CASES)('%s', (_what, definition, value, expected) => {
  const field = { name: 'x', ...definition } as FieldDefinition;
  const form = FormDefinition.parse({ id: 'rules', fields: [field] });

  it(`fieldIssue (widget) gives ${expected ?? 'no issue'}`, () => {
    expect(fieldIssue(form.fields[0]!, value)).toBe(expected);
  });

  it(`validateSubmission (relay) gives ${expected ?? 'no issue'}`, () => {
    const result = validateSubmission(form, { fields: value === undefined ? {} : { x: value } });
    if (expected === undefined) expect(result.ok).toBe(true);
    else expect(result).toEqual({ ok: false, issues: [{ path: ['fields', 'x'], code: expected, message: expect.any(String) }] });
  });
});

describe('the words of a broken rule', () => {
  const word = (definition: Omit<FieldDefinition, 'name'>, code: RuleCode) =>
    ruleMessage({ name: 'x', ...definition } as FieldDefinition, code, EN_MESSAGES, 'en');

  it('fills each placeholder from the field', () => {
    expect(word({ type: 'number', min: 1, max: 10, step: 0.5 }, 'too_small')).toBe('Enter a number of at least 1.');
    expect(word({ type: 'number', min: 1, max: 10, step: 0.5 }, 'too_large')).toBe('Enter a number of at most 10.');
    expect(word({ type: 'number', step: 0.5 }, 'step_mismatch')).toBe('Enter a number in steps of 0.5.');
    expect(word({ type: 'date', min: '2026-01-01' }, 'too_early')).toBe('Enter a date on or after 2026-01-01.');
    expect(word({ type: 'checkboxes', options, minSelected: 2, maxSelected: 3 }, 'too_few')).toBe('Choose at least 2.');
    expect(word({ type: 'checkboxes', options, minSelected: 2, maxSelected: 3 }, 'too_many')).toBe('Choose at most 3.');
    expect(word({ type: 'text', maxLength: 10 }, 'too_long')).toBe('Enter at most 10 characters.');
  });

  it('gives the relay the same words in its 422', () => {
    const form = FormDefinition.parse({ id: 'f', fields: [{ name: 'seats', type: 'number', min: 5 }] });
    const result = validateSubmission(form, { fields: { seats: 2 } });
    expect(!result.ok && result.issues[0]?.message).toBe('Enter a number of at least 5.');
    expect(ruleParams(form.fields[0]!)).toEqual({ min: 5 });
  });
});
