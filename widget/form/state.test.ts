import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../src/schema/form.ts';
import { createFormModel, type StepView, type Values, type Visibility } from './state.ts';

const name: FieldDefinition = { name: 'name', type: 'text', required: true };
const email: FieldDefinition = { name: 'email', type: 'email', required: true };
const company: FieldDefinition = { name: 'company', type: 'text', required: true };
const source: FieldDefinition = { name: 'source', type: 'hidden', value: 'web' };
const fields = [name, email, company, source];

/** `company` shows only once `email` is in; two steps while it shows, one after it is hidden. */
const branching: Visibility = {
  steps: (values: Values): StepView[] =>
    values.email
      ? [
          { id: 'you', fields: [name, email, source] },
          { id: 'work', fields: [company] },
        ]
      : [{ id: 'you', fields: [name, email, source] }],
  fields: (values: Values) => new Set(['name', 'email', 'source', ...(values.email ? ['company'] : [])]),
};

describe('the form state model', () => {
  it('shows no error while a field is first typed, shows it once left, and clears it on the keystroke that fixes it', () => {
    const model = createFormModel({ id: 'f', fields }, {});
    model.input(email, 'a@b');
    expect(model.errorOf('email')).toBeUndefined();
    model.leave(email);
    expect(model.errorOf('email')).toBe('invalid_email');
    model.input(email, 'a@example.com');
    expect(model.errorOf('email')).toBeUndefined();
  });

  it('checks the fields it is given and returns the first that breaks a rule, skipping hidden and unshown ones', () => {
    const model = createFormModel({ id: 'f', fields }, { source: 'x'.repeat(5000) }, branching);
    expect(model.check(fields)?.name).toBe('name');
    expect(model.errorOf('name')).toBe('required');
    expect(model.errorOf('email')).toBe('required');
    // company is not shown (no email yet): never required, never touched.
    expect(model.errorOf('company')).toBeUndefined();
    expect(model.get().touched.has('company')).toBe(false);
    expect(model.errorOf('source')).toBeUndefined();
  });

  it('sends only the values of the fields shown', () => {
    const model = createFormModel({ id: 'f', fields }, { source: 'web' }, branching);
    model.input(email, 'js@example.com');
    model.input(company, 'Acme');
    expect(model.payload()).toEqual({ email: 'js@example.com', company: 'Acme', source: 'web' });
    model.input(email, undefined);
    expect(model.payload()).toEqual({ source: 'web' });
    expect(model.get().values).toHaveProperty('company', 'Acme');
  });

  it('keeps the step index within the steps shown and clears "invalid" once nothing shown is in error', () => {
    const model = createFormModel({ id: 'f', fields }, {}, branching);
    model.input(email, 'js@example.com');
    model.update({ step: 1 });
    expect(model.steps().map((step) => step.id)).toEqual(['you', 'work']);
    model.check([company]);
    model.update({ status: 'invalid' });
    expect(model.get().status).toBe('invalid');
    // Hiding the only field in error (by clearing email) ends "invalid" and the second step.
    model.input(email, undefined);
    expect(model.get().step).toBe(0);
    expect(model.get().status).toBe('idle');
  });

  it('tells its subscribers of every change, and stops when they unsubscribe', () => {
    const model = createFormModel({ id: 'f', fields }, {});
    const seen: string[] = [];
    const stop = model.subscribe((snapshot) => seen.push(String(snapshot.values.name)));
    model.input(name, 'Ada');
    stop();
    model.input(name, 'Grace');
    expect(seen).toEqual(['Ada']);
  });
});
