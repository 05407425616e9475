/**
 * The checks a form definition needs beyond its schema: those that compare one key with another
 * (a condition with the field it reads, a step with the fields it lists, a bound with the field's
 * type). The relay's configuration runs them at start-up, so a form that could trap a visitor on
 * a step nobody can fill, or a condition that can never be read, stops the relay with the key and
 * the fix. Each problem is a line `key: what is wrong; the fix` (see problems.ts).
 */
import { COUNTRY_CODES, isCountryCode } from './countries.ts';
import { isIsoDay } from './field-rules.ts';
import type { Condition, FieldDefinition, FieldType, FormDefinition } from './form.ts';
import { didYouMean } from './problems.ts';

type Definition = Pick<FormDefinition, 'fields' | 'steps'>;

/** Types whose value is text a visitor types, which length and pattern rules apply to. */
const TEXT_TYPES: readonly FieldType[] = ['text', 'email', 'tel', 'textarea', 'url', 'hidden'];

/** Which field types each type-specific key belongs to. */
const KEY_TYPES: Partial<Record<keyof FieldDefinition, readonly FieldType[]>> = {
  minLength: TEXT_TYPES,
  maxLength: TEXT_TYPES,
  pattern: TEXT_TYPES,
  options: ['select', 'radio', 'checkboxes', 'country'],
  min: ['number', 'date'],
  max: ['number', 'date'],
  step: ['number'],
  minSelected: ['checkboxes'],
  maxSelected: ['checkboxes'],
  phone: ['tel'],
};

/** The types whose value a condition's `is` or `in` compares with text, numbers or a box. */
const CHOICE_TYPES: readonly FieldType[] = ['select', 'radio', 'checkboxes', 'country'];
const BOX_TYPES: readonly FieldType[] = ['checkbox', 'consent'];

/**
 * Every problem of `definition` beyond its schema, keyed under `at` (`forms.quote`).
 * The fields' names are assumed unique (the configuration checks that first).
 */
export function formDefinitionProblems(definition: Definition, at: string): string[] {
  const problems: string[] = [];
  const fields = new Map(definition.fields.map((field) => [field.name, field]));
  const names = [...fields.keys()];
  const unknownField = (key: string, name: string) =>
    `${key}: "${name}" is not a field of this form${didYouMean(name, names)}; use one of: ${names.join(', ')}`;

  definition.fields.forEach((field, index) => {
    problems.push(...fieldKeyProblems(field, `${at}.fields.${index}`));
  });

  // Where each field sits: its step's position, or none (hidden fields ride along on every step).
  const stepIndex = new Map<string, number>();
  definition.steps?.forEach((step, index) => {
    const stepAt = `${at}.steps.${index}`;
    const earlier = definition.steps!.findIndex((other) => other.id === step.id);
    if (earlier !== index) problems.push(`${stepAt}.id: "${step.id}" is the id of steps.${earlier} too; give each step its own id`);
    step.fields.forEach((name, position) => {
      const key = `${stepAt}.fields.${position}`;
      if (!fields.has(name)) problems.push(unknownField(key, name));
      else if (stepIndex.has(name)) {
        const first = definition.steps![stepIndex.get(name)!]!;
        problems.push(`${key}: "${name}" is in step "${first.id}" already; a field belongs to one step, so remove it from one of them`);
      } else stepIndex.set(name, index);
    });
  });
  if (definition.steps) {
    definition.fields.forEach((field, index) => {
      if (field.type !== 'hidden' && !stepIndex.has(field.name)) {
        problems.push(
          `${at}.fields.${index}: "${field.name}" is in no step; add it to the "fields" of one of the steps (only hidden fields ride along on every step)`,
        );
      }
    });
  }

  /** The problems of one condition; `own` is the field it belongs to (none for a step) and its step index (none: every step). */
  const conditionProblems = (condition: Condition, key: string, own: { field?: string; step?: number | undefined }): string[] => {
    if ('all' in condition) return condition.all.flatMap((part, i) => conditionProblems(part, `${key}.all.${i}`, own));
    if ('any' in condition) return condition.any.flatMap((part, i) => conditionProblems(part, `${key}.any.${i}`, own));
    if ('not' in condition) return conditionProblems(condition.not, `${key}.not`, own);
    const read = fields.get(condition.field);
    if (!read) return [unknownField(`${key}.field`, condition.field)];
    if (condition.field === own.field)
      return [`${key}.field: a field's condition reads "${condition.field}", the field itself; make it read another field, or remove "when"`];
    const readStep = stepIndex.get(condition.field);
    if (own.step !== undefined && readStep !== undefined) {
      const ownStepId = definition.steps![own.step]!.id;
      const readStepId = definition.steps![readStep]!.id;
      if (own.field === undefined && readStep >= own.step) {
        return [
          `${key}.field: "${condition.field}" is in step "${readStepId}", ${readStep === own.step ? 'this step itself' : 'a later step'}; a step's condition reads only fields of earlier steps, so move the field to an earlier step or the condition to a field`,
        ];
      }
      if (readStep > own.step) {
        return [
          `${key}.field: "${condition.field}" is in step "${readStepId}", after this field's step "${ownStepId}"; a condition reads fields of its own or earlier steps, so move one of the two`,
        ];
      }
    }
    return valueProblems(condition, read, key);
  };

  definition.fields.forEach((field, index) => {
    if (field.when) problems.push(...conditionProblems(field.when, `${at}.fields.${index}.when`, { field: field.name, step: stepIndex.get(field.name) }));
  });
  definition.steps?.forEach((step, index) => {
    if (step.when) problems.push(...conditionProblems(step.when, `${at}.steps.${index}.when`, { step: index }));
  });

  problems.push(...cycleProblems(definition, at));

  definition.steps?.forEach((step, index) => {
    const shownOnes = step.fields.map((name) => fields.get(name)).filter((field) => field && field.type !== 'hidden');
    if (step.fields.every((name) => fields.has(name)) && shownOnes.length === 0) {
      problems.push(
        `${at}.steps.${index}.fields: step "${step.id}" holds only hidden fields, so it would show nothing; add a field a visitor fills, or remove the step`,
      );
    } else if (step.when && neverHolds(step.when, fields)) {
      problems.push(
        `${at}.steps.${index}.when: no answer can make this condition hold, so step "${step.id}" would never be shown; fix the condition or remove the step`,
      );
    } else if (shownOnes.length && shownOnes.every((field) => field!.when && neverHolds(field!.when, fields))) {
      problems.push(
        `${at}.steps.${index}.fields: no answer shows any field of step "${step.id}" (each one's condition can never hold); fix the conditions or remove the step`,
      );
    }
  });
  return problems;
}

/** Whether a value compared with `is`/`in` could ever come from `field`. */
function valueProblems(condition: Condition, field: FieldDefinition, key: string): string[] {
  const kind = BOX_TYPES.includes(field.type) ? 'boolean' : field.type === 'number' ? 'number' : 'string';
  if ('checked' in condition) {
    return kind === 'boolean' ? [] : [`${key}.checked: "${field.name}" is a ${field.type} field, not a box; use "is", "in" or "notEmpty" for it`];
  }
  const wanted = 'is' in condition ? [condition.is] : 'in' in condition ? condition.in : [];
  const operator = 'is' in condition ? 'is' : 'in';
  for (const value of wanted) {
    if (typeof value !== kind) {
      const example = kind === 'boolean' ? 'true' : kind === 'number' ? '5' : '"yes"';
      return [
        `${key}.${operator}: "${field.name}" is a ${field.type} field, whose value is a ${kind}, so ${JSON.stringify(value)} never matches; write a ${kind}, e.g. ${example}`,
      ];
    }
  }
  if (CHOICE_TYPES.includes(field.type)) {
    const choices = field.type === 'country' && !field.options ? COUNTRY_CODES : (field.options ?? []).map((option) => option.value);
    const missing = wanted.filter((value) => !choices.includes(value as string));
    if (missing.length) {
      return [
        `${key}.${operator}: ${missing.map((value) => JSON.stringify(value)).join(', ')} ${missing.length > 1 ? 'are not options' : 'is not an option'} of "${field.name}"${String(missing[0]).length > 2 ? didYouMean(String(missing[0]), choices) : ''}; use one of: ${choices.slice(0, 20).join(', ')}${choices.length > 20 ? ', …' : ''}`,
      ];
    }
  }
  return [];
}

/** Whether no values at all can make `condition` hold (a conservative answer: false when unsure). */
function neverHolds(condition: Condition, fields: ReadonlyMap<string, FieldDefinition>): boolean {
  if ('all' in condition) return condition.all.some((part) => neverHolds(part, fields));
  if ('any' in condition) return condition.any.every((part) => neverHolds(part, fields));
  if ('not' in condition) return false;
  const field = fields.get(condition.field);
  return !field || valueProblems(condition, field, '').length > 0;
}

/** The fields a condition reads. */
function readsOf(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(readsOf);
  if ('any' in condition) return condition.any.flatMap(readsOf);
  if ('not' in condition) return readsOf(condition.not);
  return [condition.field];
}

/** One problem per cycle of fields whose conditions read each other (a → b → a). */
function cycleProblems(definition: Definition, at: string): string[] {
  const index = new Map(definition.fields.map((field, i) => [field.name, i]));
  const reads = new Map(
    definition.fields.map((field) => [field.name, field.when ? readsOf(field.when).filter((name) => index.has(name) && name !== field.name) : []]),
  );
  const state = new Map<string, 'open' | 'done'>();
  const problems: string[] = [];
  const path: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'open');
    path.push(name);
    for (const next of reads.get(name) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...path.slice(path.indexOf(next)), next];
        problems.push(
          `${at}.fields.${index.get(next)}.when: the conditions of ${cycle.map((n) => `"${n}"`).join(' → ')} read each other in a circle, so none can be decided; remove one of them`,
        );
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(name, 'done');
  };
  for (const field of definition.fields) if (!state.has(field.name)) visit(field.name);
  return problems;
}

/** Keys that do not belong to the field's type, and bounds that contradict each other or their type. */
function fieldKeyProblems(field: FieldDefinition, at: string): string[] {
  const problems: string[] = [];
  for (const [key, types] of Object.entries(KEY_TYPES) as [keyof FieldDefinition, readonly FieldType[]][]) {
    if (field[key] !== undefined && !types.includes(field.type)) {
      problems.push(`${at}.${key}: a ${field.type} field has no "${key}" (it belongs to ${types.join(', ')} fields); remove it or change the type`);
    }
  }
  if (field.type === 'number') {
    for (const key of ['min', 'max'] as const) {
      if (field[key] !== undefined && typeof field[key] !== 'number')
        problems.push(`${at}.${key}: a number field's ${key} is a number, e.g. 10; write it without quotes`);
    }
  }
  if (field.type === 'date') {
    for (const key of ['min', 'max'] as const) {
      const bound = field[key];
      if (bound !== undefined && (typeof bound !== 'string' || !isIsoDay(bound))) {
        problems.push(`${at}.${key}: a date field's ${key} is a day written "YYYY-MM-DD", e.g. "2026-01-31"; write a day of the calendar`);
      }
    }
  }
  if (typeof field.min === typeof field.max && field.min !== undefined && field.max !== undefined && field.min > field.max) {
    problems.push(`${at}.min: larger than max; lower min or raise max`);
  }
  if (field.type === 'checkboxes') {
    const count = field.options?.length ?? 0;
    if (!count) problems.push(`${at}.options: a checkboxes field needs options; add [{"value": "…", "label": "…"}]`);
    if (field.minSelected !== undefined && field.maxSelected !== undefined && field.minSelected > field.maxSelected) {
      problems.push(`${at}.minSelected: larger than maxSelected; lower minSelected or raise maxSelected`);
    }
    if (count && field.minSelected !== undefined && field.minSelected > count) {
      problems.push(`${at}.minSelected: asks for ${field.minSelected} choices of ${count} options; lower it or add options`);
    }
  }
  if (field.options) {
    const seen = new Set<string>();
    field.options.forEach((option, i) => {
      if (seen.has(option.value)) problems.push(`${at}.options.${i}.value: "${option.value}" is offered twice; give each option its own value`);
      seen.add(option.value);
      if (field.type === 'country' && !isCountryCode(option.value)) problems.push(countryProblem(`${at}.options.${i}.value`, option.value));
    });
  }
  const defaultCountry = field.phone?.defaultCountry;
  if (defaultCountry !== undefined && !isCountryCode(defaultCountry)) problems.push(countryProblem(`${at}.phone.defaultCountry`, defaultCountry));
  return problems;
}

/** Codes people write for a country that ISO 3166-1 spells otherwise. */
const COMMON_MISTAKES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR', EN: 'GB', KO: 'KR', JA: 'JP', SP: 'ES' };

function countryProblem(key: string, code: string): string {
  const meant = COMMON_MISTAKES[code.toUpperCase()] ?? (isCountryCode(code.toUpperCase()) ? code.toUpperCase() : undefined);
  return `${key}: "${code}" is not an ISO 3166-1 alpha-2 country code; use ${meant ? `"${meant}"` : 'one such as "DE", "GB" or "US"'}`;
}
