import { describe, expect, it } from 'vitest';
import type { FormConfig } from '../config.ts';
import { parseBody } from './parse.ts';

const form = {
  fields: [
    { name: 'topics', type: 'checkboxes', options: [{ value: 'crm' }, { value: 'api' }] },
    { name: 'seats', type: 'number' },
    { name: 'news', type: 'checkbox' },
    { name: 'name', type: 'text' },
  ],
} as unknown as FormConfig;

describe('parseBody of a plain HTML form post', () => {
  it('gathers a checkbox group into a list and reads a number field as a number', () => {
    const raw = 'topics=crm&topics=api&seats=12.5&news=on&name=42&_fill_ms=5000';
    expect(parseBody(raw, 'form', form)).toEqual({
      ok: true,
      value: { fields: { topics: ['crm', 'api'], seats: 12.5, news: true, name: '42' }, meta: { fillMs: 5000 } },
    });
  });

  it('keeps text that is not a number as text, for the rules to name', () => {
    expect(parseBody('seats=twelve', 'form', form)).toEqual({ ok: true, value: { fields: { seats: 'twelve' }, meta: {} } });
    expect(parseBody('seats=', 'form', form)).toEqual({ ok: true, value: { fields: { seats: '' }, meta: {} } });
  });
});
