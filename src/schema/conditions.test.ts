import { describe, expect, it } from 'vitest';
import { conditionHolds, SINGLE_STEP_ID, shownFields, shownSteps } from './conditions.ts';
import { type Condition, FormDefinition } from './form.ts';

describe('conditionHolds', () => {
  const values = { size: '51+', plan: 'pro', seats: 12, news: true, topics: ['crm', 'api'], blank: '  ', none: [] as string[] };

  it.each<[Condition, boolean]>([
    [{ field: 'size', is: '51+' }, true],
    [{ field: 'size', is: '1-10' }, false],
    [{ field: 'seats', is: 12 }, true],
    [{ field: 'seats', is: '12' }, false],
    [{ field: 'news', is: true }, true],
    [{ field: 'size', in: ['11-50', '51+'] }, true],
    [{ field: 'size', in: ['1-10'] }, false],
    [{ field: 'seats', in: [10, 12] }, true],
    [{ field: 'topics', is: 'api' }, true],
    [{ field: 'topics', is: 'billing' }, false],
    [{ field: 'topics', in: ['billing', 'crm'] }, true],
    [{ field: 'topics', in: ['billing'] }, false],
    [{ field: 'plan', notEmpty: true }, true],
    [{ field: 'blank', notEmpty: true }, false],
    [{ field: 'none', notEmpty: true }, false],
    [{ field: 'missing', notEmpty: true }, false],
    [{ field: 'missing', notEmpty: false }, true],
    [{ field: 'seats', notEmpty: true }, true],
    [{ field: 'news', checked: true }, true],
    [{ field: 'news', checked: false }, false],
    [{ field: 'missing', checked: false }, true],
    [{ field: 'plan', checked: true }, false],
    [
      {
        all: [
          { field: 'size', is: '51+' },
          { field: 'news', checked: true },
        ],
      },
      true,
    ],
    [
      {
        all: [
          { field: 'size', is: '51+' },
          { field: 'news', checked: false },
        ],
      },
      false,
    ],
    [
      {
        any: [
          { field: 'size', is: '1-10' },
          { field: 'plan', is: 'pro' },
        ],
      },
      true,
    ],
    [
      {
        any: [
          { field: 'size', is: '1-10' },
          { field: 'plan', is: 'free' },
        ],
      },
      false,
    ],
    [{ not: { field: 'size', is: '51+' } }, false],
    [{ not: { any: [{ field: 'size', is: '1-10' }] } }, true],
  ])('%j is %s', (condition, expected) => {
    expect(conditionHolds(condition, values)).toBe(expected);
  });

  it('compares text as the visitor meant it, without the spaces around it', () => {
    expect(conditionHolds({ field: 'plan', is: 'pro' }, { plan: ' pro ' })).toBe(true);
  });
});

const qualify = FormDefinition.parse({
  id: 'qualify',
  fields: [
    { name: 'email', type: 'email', required: true },
    { name: 'size', type: 'select', options: [{ value: '1-10' }, { value: '51+' }] },
    { name: 'budget', type: 'number', when: { field: 'size', is: '51+' } },
    { name: 'approver', type: 'text', when: { field: 'budget', notEmpty: true } },
    { name: 'source', type: 'hidden', value: 'ads' },
    { name: 'enterprise', type: 'checkbox' },
    { name: 'sla', type: 'text' },
  ],
  steps: [
    { id: 'you', fields: ['email'] },
    { id: 'company', fields: ['size', 'budget', 'approver'] },
    { id: 'contract', fields: ['enterprise', 'sla'], when: { field: 'size', is: '51+' } },
  ],
});

describe('shownFields and shownSteps', () => {
  it('shows the branch and the steps its condition opens', () => {
    const values = { email: 'a@b.co', size: '51+', budget: 5000 };
    expect([...shownFields(qualify, values)]).toEqual(['email', 'size', 'budget', 'approver', 'source', 'enterprise', 'sla']);
    expect(shownSteps(qualify, values).map((step) => [step.id, step.fields.map((field) => field.name)])).toEqual([
      ['you', ['email']],
      ['company', ['size', 'budget', 'approver']],
      ['contract', ['enterprise', 'sla']],
    ]);
  });

  it('hides a field whose condition fails, and the step whose condition fails', () => {
    const values = { email: 'a@b.co', size: '1-10' };
    expect([...shownFields(qualify, values)]).toEqual(['email', 'size', 'source']);
    expect(shownSteps(qualify, values).map((step) => step.id)).toEqual(['you', 'company']);
  });

  it('collapses a chain: a hidden field reads as empty, though its value is still there', () => {
    // budget kept its value from before the visitor changed size; approver reads it as empty.
    const values = { size: '1-10', budget: 5000, approver: 'Grace' };
    expect(shownFields(qualify, values).has('budget')).toBe(false);
    expect(shownFields(qualify, values).has('approver')).toBe(false);
  });

  it('hides the fields of a hidden step, whatever their own condition', () => {
    const form = FormDefinition.parse({
      id: 'f',
      fields: [
        { name: 'a', type: 'checkbox' },
        { name: 'b', type: 'text', when: { field: 'a', checked: false } },
      ],
      steps: [
        { id: 'one', fields: ['a'] },
        { id: 'two', fields: ['b'], when: { field: 'a', checked: true } },
      ],
    });
    expect(shownFields(form, { a: false }).has('b')).toBe(false);
    expect(shownFields(form, { a: true }).has('b')).toBe(false);
  });

  it('leaves out a step whose fields are all hidden, and keeps hidden fields out of every step', () => {
    const form = FormDefinition.parse({
      id: 'f',
      fields: [
        { name: 'a', type: 'checkbox' },
        { name: 'b', type: 'text', when: { field: 'a', checked: true } },
        { name: 'utm', type: 'hidden' },
      ],
      steps: [
        { id: 'one', fields: ['a'] },
        { id: 'two', fields: ['b'] },
      ],
    });
    expect(shownSteps(form, {}).map((step) => step.id)).toEqual(['one']);
    expect(shownSteps(form, { a: true }).map((step) => step.id)).toEqual(['one', 'two']);
    expect(shownSteps(form, {}).flatMap((step) => step.fields.map((field) => field.name))).not.toContain('utm');
    expect(shownFields(form, {}).has('utm')).toBe(true);
  });

  it('gives a form without steps one step of its shown fields, in order', () => {
    const form = FormDefinition.parse({
      id: 'f',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'utm', type: 'hidden' },
        { name: 'company', type: 'text', when: { field: 'name', notEmpty: true } },
      ],
    });
    expect(shownSteps(form, {})).toEqual([{ id: SINGLE_STEP_ID, fields: [form.fields[0]] }]);
    expect(shownSteps(form, { name: 'Ada' })[0]?.fields.map((field) => field.name)).toEqual(['name', 'company']);
    expect([...shownFields(form, {})]).toEqual(['name', 'utm']);
  });

  it('carries the step title', () => {
    const form = FormDefinition.parse({ id: 'f', fields: [{ name: 'a', type: 'text' }], steps: [{ id: 'one', title: { en: 'You' }, fields: ['a'] }] });
    expect(shownSteps(form, {})).toEqual([{ id: 'one', title: { en: 'You' }, fields: [form.fields[0]] }]);
  });

  it('does not loop on a cycle the configuration check would refuse, and shows neither side', () => {
    const form = FormDefinition.parse({
      id: 'f',
      fields: [
        { name: 'a', type: 'text', when: { field: 'b', notEmpty: false } },
        { name: 'b', type: 'text', when: { field: 'a', notEmpty: false } },
      ],
    });
    expect(() => shownFields(form, {})).not.toThrow();
  });

  it('reads values from a frozen object (the widget may pass its state as it is)', () => {
    expect(shownFields(qualify, Object.freeze({ size: '51+' })).has('budget')).toBe(true);
  });
});

describe('the Condition schema', () => {
  it('refuses a misspelt operator and a condition of no known shape', () => {
    expect(FormDefinition.safeParse({ id: 'f', fields: [{ name: 'a', type: 'text', when: { field: 'b', equals: 1 } }] }).success).toBe(false);
    expect(FormDefinition.safeParse({ id: 'f', fields: [{ name: 'a', type: 'text', when: { all: [] } }] }).success).toBe(false);
    expect(FormDefinition.safeParse({ id: 'f', fields: [{ name: 'a', type: 'text', when: { not: { any: [{ field: 'b', in: ['x'] }] } } }] }).success).toBe(
      true,
    );
  });
});
