/**
 * The builder's model, free of any DOM: the draft as the configuration file writes a form
 * (`FormConfig`), the edits the editor makes to it, where each of the relay's issues belongs, and
 * what a publish changes. Pure functions, so each is tested without a browser (model.test.ts).
 */
import type { FormConfig } from '../../src/relay/config.ts';
import type { Condition, FieldDefinition, FieldType, LocalizedText, Step } from '../../src/schema/form.ts';

/** A form as the builder edits it: the configuration file's shape, before the relay's defaults. */
export type Draft = Omit<Partial<FormConfig>, 'fields' | 'steps'> & { fields: FieldDefinition[]; steps?: Step[] };

/** One problem the relay found in a draft: where (`fields.2.pattern`) and what, with the fix. */
export interface Issue {
  path: string;
  message: string;
}

/** A new form's first draft: one required email field, to the first destination the relay has. */
export function newDraft(destination: string | undefined): Draft {
  return {
    title: 'New form',
    fields: [{ name: 'email', type: 'email', label: 'Email', required: true }],
    allowedOrigins: ['self'],
    ...(destination ? { destination } : {}),
  };
}

/** A field name not yet taken in `draft`, from its type: `text`, `text_2`, … */
export function freeName(draft: Draft, type: FieldType): string {
  const taken = new Set(draft.fields.map((field) => field.name));
  if (!taken.has(type)) return type;
  let n = 2;
  while (taken.has(`${type}_${n}`)) n++;
  return `${type}_${n}`;
}

/** Adds a field of `type` at the end (in the last step, when there are steps). */
export function addField(draft: Draft, type: FieldType): Draft {
  const name = freeName(draft, type);
  const field: FieldDefinition = {
    name,
    type,
    label: type === 'consent' ? 'I agree to be contacted' : name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' '),
    ...(type === 'select' || type === 'radio' || type === 'checkboxes'
      ? {
          options: [
            { value: 'a', label: 'Option A' },
            { value: 'b', label: 'Option B' },
          ],
        }
      : {}),
  };
  const steps = draft.steps?.map((step, index, all) => (index === all.length - 1 && type !== 'hidden' ? { ...step, fields: [...step.fields, name] } : step));
  return { ...draft, fields: [...draft.fields, field], ...(steps ? { steps } : {}) };
}

/** Moves the field at `from` to `to`; each step keeps its fields in the list's order. */
export function moveField(draft: Draft, from: number, to: number): Draft {
  if (from === to || from < 0 || to < 0 || from >= draft.fields.length || to >= draft.fields.length) return draft;
  const fields = [...draft.fields];
  const [moved] = fields.splice(from, 1);
  fields.splice(to, 0, moved!);
  return orderSteps({ ...draft, fields });
}

export function removeField(draft: Draft, index: number): Draft {
  const name = draft.fields[index]?.name;
  const fields = draft.fields.filter((_, i) => i !== index);
  const steps = draft.steps?.map((step) => ({ ...step, fields: step.fields.filter((each) => each !== name) }));
  return { ...draft, fields, ...(steps ? { steps } : {}) };
}

/**
 * Replaces the field at `index`. A rename follows into the steps that list it; conditions that
 * read the old name are left as they are, so the relay names each one that now reads a missing field.
 */
export function updateField(draft: Draft, index: number, field: FieldDefinition): Draft {
  const before = draft.fields[index];
  const fields = draft.fields.map((each, i) => (i === index ? field : each));
  const steps =
    before && before.name !== field.name
      ? draft.steps?.map((step) => ({ ...step, fields: step.fields.map((name) => (name === before.name ? field.name : name)) }))
      : draft.steps;
  return { ...draft, fields, ...(steps ? { steps } : {}) };
}

/** The id of the step a field is in, or undefined. */
export function stepOf(draft: Draft, name: string): string | undefined {
  return draft.steps?.find((step) => step.fields.includes(name))?.id;
}

/** Puts field `name` in step `stepId` (out of any other), in the list's order. */
export function setFieldStep(draft: Draft, name: string, stepId: string): Draft {
  if (!draft.steps) return draft;
  const steps = draft.steps.map((step) => ({
    ...step,
    fields: step.id === stepId ? [...step.fields.filter((each) => each !== name), name] : step.fields.filter((each) => each !== name),
  }));
  return orderSteps({ ...draft, steps });
}

/**
 * Adds a step. The first step added to a one-step form takes every field but the hidden ones,
 * and a second one is added with it, since one step is what a form without steps already is.
 */
export function addStep(draft: Draft): Draft {
  const existing = draft.steps ?? [];
  const taken = new Set(existing.map((step) => step.id));
  const freeId = () => {
    let n = taken.size + 1;
    while (taken.has(`step-${n}`)) n++;
    taken.add(`step-${n}`);
    return `step-${n}`;
  };
  if (existing.length === 0) {
    const all = draft.fields.filter((field) => field.type !== 'hidden').map((field) => field.name);
    const first = freeId();
    return {
      ...draft,
      steps: [
        { id: first, title: 'Step 1', fields: all },
        { id: freeId(), title: 'Step 2', fields: [] },
      ],
    };
  }
  return { ...draft, steps: [...existing, { id: freeId(), title: `Step ${existing.length + 1}`, fields: [] }] };
}

/** Removes a step; its fields go to the step before (or after) it; the last step removed leaves a one-step form. */
export function removeStep(draft: Draft, index: number): Draft {
  const steps = draft.steps ?? [];
  const gone = steps[index];
  if (!gone) return draft;
  const rest = steps.filter((_, i) => i !== index);
  if (rest.length <= 1) {
    const { steps: _steps, ...single } = draft;
    return single;
  }
  const heir = Math.max(0, index - 1);
  return orderSteps({ ...draft, steps: rest.map((step, i) => (i === heir ? { ...step, fields: [...step.fields, ...gone.fields] } : step)) });
}

export function updateStep(draft: Draft, index: number, step: Step): Draft {
  return { ...draft, steps: (draft.steps ?? []).map((each, i) => (i === index ? step : each)) };
}

/** Each step's fields in the order of the field list, which is the order the editor shows. */
function orderSteps(draft: Draft): Draft {
  if (!draft.steps) return draft;
  const order = new Map(draft.fields.map((field, index) => [field.name, index]));
  const rank = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
  return { ...draft, steps: draft.steps.map((step) => ({ ...step, fields: [...step.fields].sort((a, b) => rank(a) - rank(b)) })) };
}

/** The text of `value` in `locale` (or its only text), for an input that edits one locale. */
export function textIn(value: LocalizedText | undefined, locale: string): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return locale === 'en' ? value : '';
  return value[locale] ?? '';
}

/**
 * `value` with its `locale` text set to `text`: a lone English string stays a string, and a
 * second language turns it into one text per locale. Empty text removes that locale.
 */
export function withText(value: LocalizedText | undefined, locale: string, text: string): LocalizedText | undefined {
  const texts: Record<string, string> = typeof value === 'string' ? { en: value } : { ...(value ?? {}) };
  if (text === '') delete texts[locale];
  else texts[locale] = text;
  const locales = Object.keys(texts);
  if (locales.length === 0) return undefined;
  if (locales.length === 1 && locales[0] === 'en') return texts.en;
  return texts;
}

/** `object` without the keys whose value is undefined or '', so the draft holds only what was set. */
export function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== '')) as T;
}

/**
 * The relay's issues as the builder shows them. The relay words a problem as the configuration
 * check does (`forms.ID.fields.2.pattern: …; the fix`) or as `{path, message}`; both come back as
 * a path inside the form and its message.
 */
export function readIssues(body: unknown): Issue[] {
  const list = (body as { issues?: unknown; problems?: unknown } | null)?.issues ?? (body as { problems?: unknown } | null)?.problems;
  if (!Array.isArray(list)) return [];
  return list.map((item): Issue => {
    if (typeof item === 'string') {
      const at = item.indexOf(': ');
      return at < 0 ? { path: '', message: item } : { path: formPath(item.slice(0, at)), message: item.slice(at + 2) };
    }
    const { path, message } = item as { path?: unknown; message?: unknown };
    const joined = Array.isArray(path) ? path.map(String).join('.') : String(path ?? '');
    return { path: formPath(joined), message: String(message ?? 'invalid') };
  });
}

/** A path inside the form: without the `forms.ID.` or `form.` the file's view puts before it. */
function formPath(path: string): string {
  return path.replace(/^forms\.[A-Za-z0-9_-]+\.?/, '').replace(/^(form|draft|\(file\)|\(options\))\.?/, '');
}

/** The id of the control that edits `path`; the editor gives each control such an id. */
export const controlId = (path: string): string => `ctl-${path.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

const SETTING_ALIASES: Record<string, string> = { destination: 'destinations' };

/**
 * The path of the control an issue is shown at: a field's or a step's key (anything under
 * `fields.2.when` at the field's condition, under `fields.2.options` at its options), a theme
 * value, or a setting; '' for the form as a whole, shown in the list at the top only.
 */
export function issueControl(path: string): string {
  const [head, second, third] = path.split('.');
  if (!head) return '';
  if ((head === 'fields' || head === 'steps') && second !== undefined && /^\d+$/.test(second)) {
    if (head === 'steps') return `steps.${second}.${third === 'when' || third === 'title' ? third : 'id'}`;
    return `fields.${second}.${third ?? 'name'}`;
  }
  if (head === 'theme') return `theme.${second ?? 'preset'}`;
  return SETTING_ALIASES[head] ?? head;
}

/** The field an issue's path is about (its index in the list), if any. */
export function fieldIndexOf(path: string): number | undefined {
  const match = /^fields\.(\d+)(\.|$)/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/** One line of what a publish changes. */
export interface Change {
  kind: 'added' | 'removed' | 'changed' | 'moved';
  /** What changed: `field "email"`, `step "you"`, `setting "title"`. */
  what: string;
  /** For a changed thing, which of its keys, each with its value before and after. */
  details?: { key: string; before: string; after: string }[];
}

const show = (value: unknown) => (value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));

function keyChanges(before: Record<string, unknown>, after: Record<string, unknown>): Change['details'] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => ({ key, before: show(before[key]), after: show(after[key]) }));
}

/**
 * What publishing `draft` changes in `published`, readably: fields added, removed, changed (and
 * which keys) or moved; steps likewise; each form setting that differs. Nothing published yet
 * makes every field "added".
 */
export function diffForms(published: Draft | null | undefined, draft: Draft): Change[] {
  const changes: Change[] = [];
  const before = published ?? { fields: [] };
  const oldFields = new Map(before.fields.map((field, index) => [field.name, { field, index }]));
  const newNames = new Set(draft.fields.map((field) => field.name));
  const kept = before.fields.filter((field) => newNames.has(field.name)).map((field) => field.name);
  const keptInNewOrder = draft.fields.filter((field) => oldFields.has(field.name)).map((field) => field.name);
  for (const field of draft.fields) {
    const old = oldFields.get(field.name);
    if (!old) {
      changes.push({ kind: 'added', what: `field "${field.name}" (${field.type})` });
      continue;
    }
    const details = keyChanges(old.field as Record<string, unknown>, field as Record<string, unknown>);
    if (details?.length) changes.push({ kind: 'changed', what: `field "${field.name}"`, details });
    if (kept.indexOf(field.name) !== keptInNewOrder.indexOf(field.name)) {
      changes.push({
        kind: 'moved',
        what: `field "${field.name}"`,
        details: [{ key: 'position', before: String(old.index + 1), after: String(draft.fields.indexOf(field) + 1) }],
      });
    }
  }
  for (const field of before.fields) if (!newNames.has(field.name)) changes.push({ kind: 'removed', what: `field "${field.name}"` });

  const oldSteps = new Map((before.steps ?? []).map((step) => [step.id, step]));
  const newSteps = new Set((draft.steps ?? []).map((step) => step.id));
  for (const step of draft.steps ?? []) {
    const old = oldSteps.get(step.id);
    if (!old) changes.push({ kind: 'added', what: `step "${step.id}"` });
    else {
      const details = keyChanges(old as Record<string, unknown>, step as Record<string, unknown>);
      if (details?.length) changes.push({ kind: 'changed', what: `step "${step.id}"`, details });
    }
  }
  for (const step of before.steps ?? []) if (!newSteps.has(step.id)) changes.push({ kind: 'removed', what: `step "${step.id}"` });

  const { fields: _a, steps: _b, ...oldSettings } = before;
  const { fields: _c, steps: _d, ...newSettings } = draft;
  for (const detail of keyChanges(oldSettings, newSettings) ?? []) {
    changes.push({ kind: 'changed', what: `setting "${detail.key}"`, details: [detail] });
  }
  return changes;
}

/** A condition's one-line form in the editor: the field it reads, the operator and the value typed. */
export interface SimpleCondition {
  field: string;
  op: 'is' | 'in' | 'notEmpty' | 'checked';
  value: string;
}

/** A `when` as the simple editor shows it, or undefined when it needs the JSON editor (all/any/not). */
export function simpleCondition(when: Condition | undefined): SimpleCondition | undefined {
  if (!when || !('field' in when)) return undefined;
  if ('is' in when) return { field: when.field, op: 'is', value: String(when.is) };
  if ('in' in when) return { field: when.field, op: 'in', value: when.in.join(', ') };
  if ('notEmpty' in when) return { field: when.field, op: 'notEmpty', value: '' };
  return { field: when.field, op: 'checked', value: '' };
}

/** The `when` the simple editor's three inputs make. */
export function conditionOf({ field, op, value }: SimpleCondition): Condition {
  switch (op) {
    case 'is':
      return { field, is: value === 'true' ? true : value === 'false' ? false : value };
    case 'in':
      return {
        field,
        in: value
          .split(',')
          .map((each) => each.trim())
          .filter(Boolean),
      };
    case 'notEmpty':
      return { field, notEmpty: true };
    case 'checked':
      return { field, checked: true };
  }
}

/** Where a form's unsaved draft is kept in this browser, so a reload does not lose it. */
export const storageKey = (formId: string): string => `leadform-builder-draft:${formId}`;
