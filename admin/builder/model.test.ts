import { describe, expect, it } from 'vitest';
import {
  addField,
  addStep,
  conditionOf,
  type Draft,
  diffForms,
  issueControl,
  moveField,
  newDraft,
  readIssues,
  removeStep,
  setFieldStep,
  simpleCondition,
  updateField,
  withText,
} from './model.ts';

const twoFields = (): Draft => addField(newDraft('sandbox'), 'text');

describe('the builder model', () => {
  it('adds fields under free names and moves them, each step keeping the list order', () => {
    let draft = addField(twoFields(), 'text');
    expect(draft.fields.map((field) => field.name)).toEqual(['email', 'text', 'text_2']);
    draft = addStep(draft);
    expect(draft.steps?.map((step) => step.fields)).toEqual([['email', 'text', 'text_2'], []]);
    draft = setFieldStep(draft, 'email', 'step-2');
    draft = setFieldStep(draft, 'text', 'step-2');
    expect(draft.steps?.map((step) => step.fields)).toEqual([['text_2'], ['email', 'text']]);
    draft = moveField(draft, 0, 2);
    expect(draft.fields.map((field) => field.name)).toEqual(['text', 'text_2', 'email']);
    expect(draft.steps?.[1]?.fields).toEqual(['text', 'email']);
    // A new field goes into the last step.
    expect(addField(draft, 'tel').steps?.[1]?.fields).toEqual(['text', 'email', 'tel']);
  });

  it('follows a rename into the steps, and removing the second-last step leaves a one-step form', () => {
    let draft = addStep(twoFields());
    draft = updateField(draft, 1, { ...draft.fields[1]!, name: 'company' });
    expect(draft.steps?.[0]?.fields).toEqual(['email', 'company']);
    expect(removeStep(draft, 1).steps).toBeUndefined();
  });

  it('keeps one English text a string and several languages a map', () => {
    expect(withText('Name', 'en', 'Full name')).toBe('Full name');
    expect(withText('Name', 'de', 'Name (de)')).toEqual({ en: 'Name', de: 'Name (de)' });
    expect(withText({ en: 'Name', de: 'N' }, 'de', '')).toBe('Name');
    expect(withText(undefined, 'en', '')).toBeUndefined();
  });

  it('reads the relay issues, zod-style paths or the file check lines, and places each at its control', () => {
    const issues = readIssues({
      issues: [
        { path: ['fields', 2, 'pattern'], message: 'not a valid regular expression' },
        'forms.offer.fields.1.when.field: "size" is not a field of this form',
        { path: ['steps', 0, 'fields', 1], message: 'unknown field' },
        { path: ['theme', 'colorPrimary'], message: 'too long' },
        { path: ['destination'], message: 'not declared' },
        { path: [], message: 'the form as a whole' },
      ],
    });
    expect(issues.map((issue) => issueControl(issue.path))).toEqual([
      'fields.2.pattern',
      'fields.1.when',
      'steps.0.id',
      'theme.colorPrimary',
      'destinations',
      '',
    ]);
    expect(issues[1]).toEqual({ path: 'fields.1.when.field', message: '"size" is not a field of this form' });
  });

  it('turns the simple condition editor into conditions and back', () => {
    expect(conditionOf({ field: 'size', op: 'in', value: '11-50, 51+' })).toEqual({ field: 'size', in: ['11-50', '51+'] });
    expect(conditionOf({ field: 'news', op: 'is', value: 'true' })).toEqual({ field: 'news', is: true });
    expect(simpleCondition({ field: 'size', in: ['51+'] })).toEqual({ field: 'size', op: 'in', value: '51+' });
    expect(simpleCondition({ all: [{ field: 'a', checked: true }] })).toBeUndefined();
  });

  it('says what a publish changes: fields added, removed, changed with their keys, moved, and settings', () => {
    const published: Draft = {
      title: 'Contact',
      destination: 'sandbox',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'email', type: 'email' },
        { name: 'fax', type: 'tel' },
      ],
    };
    const draft: Draft = {
      title: 'Contact us',
      destination: 'sandbox',
      fields: [
        { name: 'email', type: 'email', required: true },
        { name: 'name', type: 'text', required: true },
        { name: 'company', type: 'text' },
      ],
    };
    const changes = diffForms(published, draft).map((change) => [change.kind, change.what, change.details?.map((d) => `${d.key}:${d.before}→${d.after}`)]);
    expect(changes).toEqual([
      ['changed', 'field "email"', ['required:(none)→true']],
      ['moved', 'field "email"', ['position:2→1']],
      ['moved', 'field "name"', ['position:1→2']],
      ['added', 'field "company" (text)', undefined],
      ['removed', 'field "fax"', undefined],
      ['changed', 'setting "title"', ['title:Contact→Contact us']],
    ]);
    expect(diffForms(draft, draft)).toEqual([]);
    expect(diffForms(null, draft).every((change) => change.kind === 'added' || change.what.startsWith('setting'))).toBe(true);
  });
});
