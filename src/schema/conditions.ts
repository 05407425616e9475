/**
 * The one evaluator of `when`: which steps and fields a form shows for the values typed so far.
 * The widget shows and hides with it as the visitor types, and the relay decides with it what is
 * required and what it drops, so both sides always agree. Zod-free, because the widget bundles it.
 *
 * A field that is not shown counts as empty for every condition that reads it, so a chain of
 * conditions collapses with its first link: hiding "company size" also hides "budget" when
 * "budget" asks for a size.
 */
import { type FieldValue, isEmptyValue } from './field.ts';
import type { Condition, FieldDefinition, FormDefinition, LocalizedText } from './form.ts';

export type Values = Readonly<Record<string, FieldValue | undefined>>;

/** A step as shown: its own fields that are shown, in the step's order. */
export interface ShownStep {
  id: string;
  title?: LocalizedText;
  fields: FieldDefinition[];
}

/** The id of the one step of a form without `steps`. */
export const SINGLE_STEP_ID = 'form';

type Definition = Pick<FormDefinition, 'fields' | 'steps'>;

/** Whether `condition` holds for `values`; a value absent from `values` is empty. */
export function conditionHolds(condition: Condition, values: Values): boolean {
  return holds(condition, (name) => values[name]);
}

function holds(condition: Condition, read: (name: string) => FieldValue | undefined): boolean {
  if ('all' in condition) return condition.all.every((part) => holds(part, read));
  if ('any' in condition) return condition.any.some((part) => holds(part, read));
  if ('not' in condition) return !holds(condition.not, read);
  const value = read(condition.field);
  if ('is' in condition) return matches(value, condition.is);
  if ('in' in condition) return condition.in.some((wanted) => matches(value, wanted));
  if ('notEmpty' in condition) return isEmptyValue(value) !== condition.notEmpty;
  return (value === true) === condition.checked;
}

function matches(value: FieldValue | undefined, wanted: string | number | boolean): boolean {
  if (Array.isArray(value)) return value.includes(wanted as string);
  return (typeof value === 'string' ? value.trim() : value) === wanted;
}

/**
 * What is shown for one set of values, worked out once: each field's visibility depends on the
 * visibility of the fields its condition reads, so the answers are memoised as they are found.
 */
function visibility(definition: Definition, values: Values) {
  const fields = new Map(definition.fields.map((field) => [field.name, field]));
  const stepOfField = new Map<string, NonNullable<Definition['steps']>[number]>();
  for (const step of definition.steps ?? []) for (const name of step.fields) if (!stepOfField.has(name)) stepOfField.set(name, step);
  const known = new Map<string, boolean>();
  const stepsKnown = new Map<string, boolean>();
  const deciding = new Set<string>();

  // Values as conditions see them: a field not shown reads as empty.
  const seen = (name: string) => (fieldShown(name) ? values[name] : undefined);

  function stepShown(step: NonNullable<Definition['steps']>[number]): boolean {
    let shown = stepsKnown.get(step.id);
    if (shown === undefined) {
      // A cycle (refused by the configuration check) reads as not shown rather than looping.
      stepsKnown.set(step.id, false);
      shown = step.when ? holds(step.when, seen) : true;
      stepsKnown.set(step.id, shown);
    }
    return shown;
  }

  function fieldShown(name: string): boolean {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    const field = fields.get(name);
    if (!field || deciding.has(name)) return false;
    deciding.add(name);
    const step = stepOfField.get(name);
    // Without steps every field is in the one step; with steps, only `hidden` fields may be in none.
    const inShownStep = !definition.steps ? true : step ? stepShown(step) : field.type === 'hidden';
    const shown = inShownStep && (field.when ? holds(field.when, seen) : true);
    deciding.delete(name);
    known.set(name, shown);
    return shown;
  }

  return { fields, fieldShown, stepShown };
}

/** The fields of each form without steps or conditions: all of them, whatever the values. */
const alwaysShown = new WeakMap<Definition, ReadonlySet<string>>();

/** The names of the fields shown: in a shown step, and their own `when` holds. */
export function shownFields(definition: Definition, values: Values): ReadonlySet<string> {
  const always = alwaysShown.get(definition);
  if (always) return always;
  const { fieldShown } = visibility(definition, values);
  const shown = new Set(definition.fields.filter((field) => fieldShown(field.name)).map((field) => field.name));
  // Worked out once per definition for a form whose answer never depends on the values (the relay checks every submission with it).
  if (!definition.steps && !definition.fields.some((field) => field.when)) alwaysShown.set(definition, shown);
  return shown;
}

/**
 * The steps shown for these values, in order (one implicit step when the form has none). A step
 * whose condition fails, or whose fields are all hidden, is left out; `hidden` fields are in no
 * shown step's `fields` (nothing renders them) but they are in `shownFields`.
 */
export function shownSteps(definition: Definition, values: Values): ShownStep[] {
  const { fields, fieldShown, stepShown } = visibility(definition, values);
  const visible = (field: FieldDefinition | undefined): field is FieldDefinition => !!field && field.type !== 'hidden' && fieldShown(field.name);
  if (!definition.steps) return [{ id: SINGLE_STEP_ID, fields: definition.fields.filter(visible) }];
  const steps: ShownStep[] = [];
  for (const step of definition.steps) {
    if (!stepShown(step)) continue;
    const stepFields = step.fields.map((name) => fields.get(name)).filter(visible);
    if (stepFields.length) steps.push({ id: step.id, ...(step.title !== undefined ? { title: step.title } : {}), fields: stepFields });
  }
  return steps;
}
