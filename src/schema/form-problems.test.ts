import { describe, expect, it } from 'vitest';
import { FormDefinition } from './form.ts';
import { formDefinitionProblems } from './form-problems.ts';

const check = (definition: Record<string, unknown>) => formDefinitionProblems(FormDefinition.parse({ id: 'quote', ...definition }), 'forms.quote');

const sizeOptions = [{ value: '1-10' }, { value: '51+' }];
const twoSteps = {
  fields: [
    { name: 'email', type: 'email' },
    { name: 'size', type: 'select', options: sizeOptions },
    { name: 'budget', type: 'number' },
  ],
  steps: [
    { id: 'you', fields: ['email'] },
    { id: 'company', fields: ['size', 'budget'] },
  ],
};

describe('formDefinitionProblems', () => {
  it('passes a sound form with steps and a branch', () => {
    expect(check({ ...twoSteps, fields: [...twoSteps.fields.slice(0, 2), { name: 'budget', type: 'number', when: { field: 'size', is: '51+' } }] })).toEqual(
      [],
    );
  });

  it('refuses a condition on an unknown field, suggesting the one meant', () => {
    expect(
      check({
        fields: [
          { name: 'size', type: 'text' },
          { name: 'budget', type: 'text', when: { all: [{ field: 'sise', notEmpty: true }] } },
        ],
      }),
    ).toEqual(['forms.quote.fields.1.when.all.0.field: "sise" is not a field of this form (did you mean "size"?); use one of: size, budget']);
  });

  it('refuses a condition that reads the field itself', () => {
    expect(check({ fields: [{ name: 'a', type: 'text', when: { field: 'a', notEmpty: true } }] })).toEqual([
      `forms.quote.fields.0.when.field: a field's condition reads "a", the field itself; make it read another field, or remove "when"`,
    ]);
  });

  it('refuses a condition that reads a field of a later step', () => {
    const fields = [{ name: 'email', type: 'email', when: { field: 'size', is: '51+' } }, ...twoSteps.fields.slice(1)];
    expect(check({ ...twoSteps, fields })).toEqual([
      'forms.quote.fields.0.when.field: "size" is in step "company", after this field\'s step "you"; a condition reads fields of its own or earlier steps, so move one of the two',
    ]);
  });

  it("refuses a step's condition on its own or a later step's field", () => {
    const steps = [twoSteps.steps[0], { ...twoSteps.steps[1], when: { field: 'size', is: '51+' } }];
    expect(check({ ...twoSteps, steps })).toEqual([
      'forms.quote.steps.1.when.field: "size" is in step "company", this step itself; a step\'s condition reads only fields of earlier steps, so move the field to an earlier step or the condition to a field',
    ]);
  });

  it('refuses a cycle of conditions', () => {
    const problems = check({
      fields: [
        { name: 'a', type: 'text', when: { field: 'c', notEmpty: true } },
        { name: 'b', type: 'text', when: { field: 'a', notEmpty: true } },
        { name: 'c', type: 'text', when: { not: { field: 'b', notEmpty: true } } },
      ],
    });
    expect(problems).toEqual([
      'forms.quote.fields.0.when: the conditions of "a" → "c" → "b" → "a" read each other in a circle, so none can be decided; remove one of them',
    ]);
  });

  it('refuses a field in two steps, a field in no step, and an unknown name in a step', () => {
    const problems = check({
      ...twoSteps,
      fields: [...twoSteps.fields, { name: 'utm', type: 'hidden' }, { name: 'notes', type: 'textarea' }],
      steps: [
        { id: 'you', fields: ['email', 'size'] },
        { id: 'company', fields: ['size', 'budget', 'bugdet'] },
      ],
    });
    expect(problems).toEqual([
      'forms.quote.steps.1.fields.0: "size" is in step "you" already; a field belongs to one step, so remove it from one of them',
      'forms.quote.steps.1.fields.2: "bugdet" is not a field of this form (did you mean "budget"?); use one of: email, size, budget, utm, notes',
      'forms.quote.fields.4: "notes" is in no step; add it to the "fields" of one of the steps (only hidden fields ride along on every step)',
    ]);
  });

  it('refuses a step that can never show a field', () => {
    const problems = check({
      fields: [
        { name: 'size', type: 'select', options: sizeOptions },
        { name: 'utm', type: 'hidden' },
        { name: 'seats', type: 'number', when: { field: 'size', in: ['500+'] } },
      ],
      steps: [
        { id: 'one', fields: ['size'] },
        { id: 'tracking', fields: ['utm'] },
        { id: 'big', fields: ['seats'] },
      ],
    });
    expect(problems).toEqual([
      'forms.quote.fields.2.when.in: "500+" is not an option of "size" (did you mean "51+"?); use one of: 1-10, 51+',
      'forms.quote.steps.1.fields: step "tracking" holds only hidden fields, so it would show nothing; add a field a visitor fills, or remove the step',
      'forms.quote.steps.2.fields: no answer shows any field of step "big" (each one\'s condition can never hold); fix the conditions or remove the step',
    ]);
  });

  it('refuses a compared value of the wrong type, and checked on a field that is not a box', () => {
    const problems = check({
      fields: [
        { name: 'seats', type: 'number' },
        { name: 'news', type: 'checkbox' },
        { name: 'a', type: 'text', when: { field: 'seats', is: '5' } },
        { name: 'b', type: 'text', when: { field: 'seats', checked: true } },
        { name: 'c', type: 'text', when: { field: 'news', is: 'yes' } },
      ],
    });
    expect(problems).toEqual([
      'forms.quote.fields.2.when.is: "seats" is a number field, whose value is a number, so "5" never matches; write a number, e.g. 5',
      'forms.quote.fields.3.when.checked: "seats" is a number field, not a box; use "is", "in" or "notEmpty" for it',
      'forms.quote.fields.4.when.is: "news" is a checkbox field, whose value is a boolean, so "yes" never matches; write a boolean, e.g. true',
    ]);
  });

  it('refuses keys of another field type and bounds of the wrong kind', () => {
    const problems = check({
      fields: [
        { name: 'day', type: 'date', step: 1, min: 5, max: '2026-02-30' },
        { name: 'seats', type: 'number', min: '2026-01-01', minLength: 2 },
        { name: 'name', type: 'text', phone: { defaultCountry: 'DE' }, maxSelected: 2 },
        { name: 'low', type: 'number', min: 10, max: 1 },
        { name: 'topics', type: 'checkboxes', options: [{ value: 'a' }, { value: 'a' }], minSelected: 3, maxSelected: 2 },
      ],
    });
    expect(problems).toEqual([
      'forms.quote.fields.0.step: a date field has no "step" (it belongs to number fields); remove it or change the type',
      `forms.quote.fields.0.min: a date field's min is a day written "YYYY-MM-DD", e.g. "2026-01-31"; write a day of the calendar`,
      `forms.quote.fields.0.max: a date field's max is a day written "YYYY-MM-DD", e.g. "2026-01-31"; write a day of the calendar`,
      'forms.quote.fields.1.minLength: a number field has no "minLength" (it belongs to text, email, tel, textarea, url, hidden fields); remove it or change the type',
      "forms.quote.fields.1.min: a number field's min is a number, e.g. 10; write it without quotes",
      'forms.quote.fields.2.maxSelected: a text field has no "maxSelected" (it belongs to checkboxes fields); remove it or change the type',
      'forms.quote.fields.2.phone: a text field has no "phone" (it belongs to tel fields); remove it or change the type',
      'forms.quote.fields.3.min: larger than max; lower min or raise max',
      'forms.quote.fields.4.minSelected: larger than maxSelected; lower minSelected or raise maxSelected',
      'forms.quote.fields.4.minSelected: asks for 3 choices of 2 options; lower it or add options',
      'forms.quote.fields.4.options.1.value: "a" is offered twice; give each option its own value',
    ]);
  });

  it('refuses an unknown country code, suggesting the ISO one', () => {
    const problems = check({
      fields: [
        { name: 'phone', type: 'tel', phone: { defaultCountry: 'UK' } },
        { name: 'market', type: 'country', options: [{ value: 'DE' }, { value: 'XX' }] },
        { name: 'b', type: 'text', when: { field: 'market', is: 'FR' } },
      ],
    });
    expect(problems).toEqual([
      'forms.quote.fields.0.phone.defaultCountry: "UK" is not an ISO 3166-1 alpha-2 country code; use "GB"',
      'forms.quote.fields.1.options.1.value: "XX" is not an ISO 3166-1 alpha-2 country code; use one such as "DE", "GB" or "US"',
      'forms.quote.fields.2.when.is: "FR" is not an option of "market"; use one of: DE, XX',
    ]);
  });
});
