import { describe, expect, it } from 'vitest';
import { useFieldRules } from '../../src/schema/field.ts';
import { FIELD_RULES } from '../../src/schema/field-rules.ts';
import type { FormDefinition } from '../../src/schema/form.ts';
import { initialValues } from './Form.tsx';
import { registerRareRenderers } from './fields/rare.ts';

// A form with a number field has the rare field types' chunk, and their rules, before it mounts (index.tsx, loadEngine).
registerRareRenderers();
useFieldRules(FIELD_RULES);

const definition: FormDefinition = {
  id: 'quote',
  fields: [
    { name: 'email', type: 'email', prefillParam: 'email' },
    { name: 'plan', type: 'select', prefillParam: 'plan', options: [{ value: 'starter' }, { value: 'growth' }] },
    { name: 'news', type: 'checkbox', prefillParam: 'news' },
    { name: 'consent', type: 'consent', required: true, prefillParam: 'consent' },
    { name: 'source', type: 'hidden', value: 'web', prefillParam: 'src' },
    { name: 'campaign', type: 'hidden' },
  ],
};

describe('initialValues', () => {
  it('takes the host page prefill over the URL parameter the field names', () => {
    expect(initialValues(definition, { email: 'js@example.com' }, '?email=url@example.com')).toMatchObject({ email: 'js@example.com' });
    expect(initialValues(definition, {}, '?email=url@example.com')).toMatchObject({ email: 'url@example.com' });
  });

  it('gives hidden fields their fixed value unless the URL or the page sets one', () => {
    expect(initialValues(definition, {}, '')).toEqual({ source: 'web', campaign: '' });
    expect(initialValues(definition, {}, '?src=partner')).toMatchObject({ source: 'partner' });
  });

  it('gives a hidden field its own value when the URL value breaks its rules, since nobody could correct it', () => {
    const ref: FormDefinition = { id: 'ref', fields: [{ name: 'ref', type: 'hidden', value: 'web', maxLength: 8, prefillParam: 'ref' }] };
    expect(initialValues(ref, {}, '?ref=partner')).toEqual({ ref: 'partner' });
    expect(initialValues(ref, {}, `?ref=${'x'.repeat(300)}`)).toEqual({ ref: 'web' });
  });

  it('keeps only known options, reads checkbox parameters as booleans, and never pre-ticks consent', () => {
    const values = initialValues(definition, {}, '?plan=platinum&news=0&consent=1');
    expect(values).not.toHaveProperty('plan');
    expect(values).not.toHaveProperty('consent');
    expect(values.news).toBe(false);
    expect(initialValues(definition, { consent: true }, '?plan=growth&news=yes')).toMatchObject({ plan: 'growth', news: true });
    expect(initialValues(definition, { consent: true }, '')).not.toHaveProperty('consent');
  });
});

describe('initialValues of the form engine’s field types', () => {
  const engine: FormDefinition = {
    id: 'engine',
    fields: [
      { name: 'seats', type: 'number', prefillParam: 'seats', max: 100 },
      { name: 'topics', type: 'checkboxes', prefillParam: 'topics', options: [{ value: 'crm' }, { value: 'api' }] },
      { name: 'market', type: 'country', prefillParam: 'market' },
      { name: 'start', type: 'date', prefillParam: 'start' },
    ],
  };

  it('reads URL parameters as a number, a list of choices and an upper-case country code', () => {
    expect(initialValues(engine, {}, '?seats=25&topics=crm,api&market=de&start=2026-03-01')).toEqual({
      seats: 25,
      topics: ['crm', 'api'],
      market: 'DE',
      start: '2026-03-01',
    });
  });

  it('leaves out what the field cannot hold, and keeps what the visitor can correct', () => {
    expect(initialValues(engine, {}, '?seats=many&topics=crm,fax&market=XX')).toEqual({});
    // Over the maximum is the visitor's to fix, and shows as such once they leave the field.
    expect(initialValues(engine, { seats: 500 }, '')).toEqual({ seats: 500 });
  });
});
