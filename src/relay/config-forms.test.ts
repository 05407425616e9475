/** The configuration check of the form engine's keys: steps, conditions, phone and the new types. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESTINATION_TYPES } from '../destinations/index.ts';
import { shownSteps } from '../schema/conditions.ts';
import { validateSubmission } from '../schema/submission.ts';
import { parseConfig, publicDefinition } from './config.ts';

const config = (form: Record<string, unknown>) => ({
  forms: { quote: { destination: 'inbox', ...form } },
  destinations: { inbox: { type: 'sandbox' } },
});

describe('parseConfig for steps and conditions', () => {
  it('accepts a multi-step form with a branch, a phone and the new types', () => {
    const result = parseConfig(
      config({
        fields: [
          { name: 'email', type: 'email', required: true },
          { name: 'phone', type: 'tel', phone: { defaultCountry: 'DE', strict: false } },
          { name: 'size', type: 'radio', options: [{ value: '1-10' }, { value: '51+' }] },
          { name: 'seats', type: 'number', min: 1, step: 1, when: { field: 'size', is: '51+' } },
          { name: 'start', type: 'date', min: '2026-01-01' },
          { name: 'site', type: 'url' },
          { name: 'market', type: 'country' },
          { name: 'topics', type: 'checkboxes', options: [{ value: 'crm' }, { value: 'api' }], maxSelected: 2 },
        ],
        steps: [
          { id: 'you', fields: ['email', 'phone'] },
          { id: 'company', fields: ['size', 'seats', 'start', 'site', 'market', 'topics'] },
        ],
      }),
      DESTINATION_TYPES,
    );
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('names the key of a condition on a later step, and the fix', () => {
    const result = parseConfig(
      config({
        fields: [
          { name: 'email', type: 'email' },
          { name: 'size', type: 'text' },
        ],
        steps: [
          { id: 'you', fields: ['email'] },
          { id: 'company', fields: ['size'], when: { field: 'size', notEmpty: true } },
        ],
      }),
      DESTINATION_TYPES,
    );
    expect(!result.ok && result.problems).toEqual([
      expect.stringMatching(/^forms\.quote\.steps\.1\.when\.field: "size" is in step "company", this step itself; .*move/),
    ]);
  });

  it('refuses a misspelt operator, a misspelt phone key and a misspelt step key by name', () => {
    const result = parseConfig(
      config({
        fields: [
          { name: 'phone', type: 'tel', phone: { defaultCuntry: 'DE' } },
          { name: 'a', type: 'text', when: { field: 'phone', equals: 'x' } },
        ],
        steps: [{ id: 'one', fields: ['phone', 'a'], titel: 'One' }],
      }),
      DESTINATION_TYPES,
    );
    expect(!result.ok && result.problems).toEqual([
      'forms.quote.fields.0.phone: unknown key(s) "defaultCuntry" (did you mean "defaultCountry"?); remove them or check their spelling',
      expect.stringMatching(/^forms\.quote\.fields\.1\.when: a condition is \{"field", "is": value\}, .*e\.g\. \{"field": "size", "in": \["51\+"\]\}$/),
      'forms.quote.steps.0: unknown key(s) "titel" (did you mean "title"?); remove them or check their spelling',
    ]);
  });
});

describe('parseConfig for bounds and empty lists', () => {
  it('names the bound of the wrong kind for its type, and an empty list of values or conditions', () => {
    const bounds = parseConfig(
      config({
        fields: [
          { name: 'a', type: 'number', min: '5' },
          { name: 'b', type: 'date', max: '31.12.2026' },
        ],
      }),
      DESTINATION_TYPES,
    );
    expect(!bounds.ok && bounds.problems).toEqual([
      "forms.quote.fields.0.min: a number field's min is a number, e.g. 10; write it without quotes",
      `forms.quote.fields.1.max: a date field's max is a day written "YYYY-MM-DD", e.g. "2026-01-31"; write a day of the calendar`,
    ]);
    const empty = parseConfig(
      config({
        fields: [
          { name: 'a', type: 'text' },
          { name: 'b', type: 'text', when: { field: 'a', in: [] } },
          { name: 'c', type: 'text', when: { any: [] } },
        ],
      }),
      DESTINATION_TYPES,
    );
    expect(!empty.ok && empty.problems).toEqual([
      'forms.quote.fields.1.when.in: list at least one value, e.g. ["51+"]',
      'forms.quote.fields.2.when.any: list at least one condition, e.g. [{"field": "size", "is": "51+"}]',
    ]);
  });
});

describe('the demo configuration', () => {
  const demo = JSON.parse(readFileSync(new URL('../../leadform.config.json', import.meta.url), 'utf8'));
  const parsed = parseConfig(demo, DESTINATION_TYPES);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const qualify = { id: 'qualify', ...parsed.value.forms.qualify! };

  it('has a multi-step qualifying form using steps, a branch, a phone with a default country and each new type', () => {
    expect(qualify.steps?.map((step) => step.id)).toEqual(['you', 'company', 'needs']);
    const types = new Set(qualify.fields.map((field) => field.type));
    for (const type of ['checkboxes', 'number', 'date', 'url', 'country', 'tel', 'hidden']) expect(types).toContain(type);
    expect(qualify.fields.find((field) => field.name === 'phone')?.phone).toEqual({ defaultCountry: 'DE' });
    expect(qualify.fields.filter((field) => field.when).length).toBeGreaterThan(1);
  });

  it('asks a small team fewer questions than a large one', () => {
    const base = { name: 'Ada', email: 'ada@example.com', company: 'AE', country: 'GB', topics: ['api'] };
    expect(shownSteps(qualify, { ...base, team_size: '1-10' }).flatMap((step) => step.fields.map((field) => field.name))).not.toContain('seats');
    const small = validateSubmission(qualify, { fields: { ...base, team_size: '1-10', seats: 3, message: 'dropped' } });
    // The hidden field's value is the widget's to send; the relay drops what a small team is not asked.
    expect(small.ok && small.submission.fields).toEqual({ ...base, team_size: '1-10' });
    const large = validateSubmission(qualify, { fields: { ...base, team_size: '51+' } });
    expect(!large.ok && large.issues.map((issue) => issue.path.join('.'))).toEqual(['fields.seats']);
  });

  it('gives the widget the steps, conditions and phone options, and still nothing of the destination', () => {
    const definition = publicDefinition('qualify', parsed.value.forms.qualify!);
    expect(definition.steps?.length).toBe(3);
    expect(definition.fields.find((field) => field.name === 'seats')?.when).toEqual({ field: 'team_size', is: '51+' });
    expect(definition.fields.find((field) => field.name === 'phone')?.phone).toEqual({ defaultCountry: 'DE' });
    expect(JSON.stringify(definition)).not.toMatch(/destination|allowedOrigins/);
  });
});
