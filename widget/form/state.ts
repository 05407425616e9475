/**
 * The form's state model: values, touched fields, errors, status and the step shown, with the
 * steps and fields shown derived from the values. The view subscribes and re-renders on each
 * change; the renderer (dom.ts) keeps the DOM (and focus) where nothing changed.
 *
 * Hand-written rather than @preact/signals: every change re-renders the whole form anyway (a form
 * is tens of fields), so fine-grained signals would buy nothing here, and they cost bytes on
 * every page (measured with esbuild, minified, gzip -9, over preact alone: @preact/signals
 * +3.4 KB, @preact/signals-core +1.6 KB; this whole file, bundled alone, is 0.75 KB).
 */
import { type FieldValue, fieldIssue } from '../../src/schema/field.ts';
import type { FieldDefinition, FormDefinition, LocalizedText } from '../../src/schema/form.ts';
import type { RuleCode } from '../../src/schema/form-keys.ts';

/**
 * idle → sending → success; sending → failed (network or 5xx: retry), rejected (4xx) or
 * offline (kept in the queue, sent when the browser is back online); invalid until the
 * highlighted fields are fixed.
 */
export type Status = 'idle' | 'invalid' | 'sending' | 'success' | 'failed' | 'rejected' | 'offline';

export type Values = Record<string, FieldValue>;

/** One step as shown: its fields in order (hidden ones included, which render nothing). */
export interface StepView {
  id: string;
  title?: LocalizedText;
  fields: FieldDefinition[];
}

/** Which steps and fields the values show. Forms with steps or conditions get theirs from the steps chunk (conditions.ts). */
export interface Visibility {
  steps(values: Values): StepView[];
  fields(values: Values): ReadonlySet<string>;
}

export interface Snapshot {
  readonly values: Values;
  /** What the visitor typed where the value is parsed from it (a number field's text). */
  readonly texts: Readonly<Record<string, string>>;
  /** The country chosen for each phone field, sent as `meta.phoneCountries`. */
  readonly phoneCountries: Readonly<Record<string, string>>;
  readonly touched: ReadonlySet<string>;
  readonly errors: Readonly<Record<string, RuleCode>>;
  readonly status: Status;
  /** The index of the step shown, among the shown steps. */
  readonly step: number;
}

export interface FormModel {
  get(): Snapshot;
  update(patch: Partial<Snapshot>): void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
  /** The steps shown for the current values (always at least one). */
  steps(): StepView[];
  /** The names of the fields shown for the current values. */
  shown(): ReadonlySet<string>;
  /** The error to show for a field: once touched, and only while it is shown. */
  errorOf(name: string): RuleCode | undefined;
  /** A visitor's edit: the new value (undefined clears it), re-checked if its error already shows. */
  input(field: FieldDefinition, value: FieldValue | undefined, text?: string): void;
  /** The visitor left a field: from now on its error shows. */
  leave(field: FieldDefinition): void;
  /** Touches and checks the shown ones of `fields`; returns the first that breaks a rule. */
  check(fields: readonly FieldDefinition[]): FieldDefinition | undefined;
  /** The values to send: those of the fields shown, nothing of a field hidden by a condition. */
  payload(): Values;
}

/** Every field shown, in one step: a form with neither steps nor conditions. */
export function staticVisibility(definition: Pick<FormDefinition, 'id' | 'fields'>): Visibility {
  const steps = [{ id: definition.id, fields: definition.fields }];
  const names = new Set(definition.fields.map((field) => field.name));
  return { steps: () => steps, fields: () => names };
}

export function createFormModel(definition: Pick<FormDefinition, 'id' | 'fields'>, values: Values, visibility = staticVisibility(definition)): FormModel {
  let state: Snapshot = { values, texts: {}, phoneCountries: {}, touched: new Set(), errors: {}, status: 'idle', step: 0 };
  const listeners = new Set<(snapshot: Snapshot) => void>();
  // Derived once per values object: every change makes a new one.
  let derivedFor: Values | undefined;
  let derived: { steps: StepView[]; shown: ReadonlySet<string> } = { steps: [], shown: new Set() };
  const derive = () => {
    if (derivedFor !== state.values) derived = { steps: visibility.steps((derivedFor = state.values)), shown: visibility.fields(state.values) };
    return derived;
  };

  const update = (patch: Partial<Snapshot>) => {
    state = { ...state, ...patch };
    const last = Math.max(0, derive().steps.length - 1);
    if (state.step > last) state = { ...state, step: last };
    // "Please correct the highlighted fields" goes once nothing shown is highlighted any more.
    if (state.status === 'invalid' && !Object.keys(state.errors).some(model.errorOf)) state = { ...state, status: 'idle' };
    for (const listener of listeners) listener(state);
  };

  const withIssue = (errors: Snapshot['errors'], field: FieldDefinition, value: FieldValue | undefined) => {
    const code = fieldIssue(field, value);
    const next = { ...errors };
    if (code) next[field.name] = code;
    else delete next[field.name];
    return next;
  };

  const model: FormModel = {
    get: () => state,
    update,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    steps: () => derive().steps,
    shown: () => derive().shown,
    errorOf: (name) => (state.touched.has(name) && derive().shown.has(name) ? state.errors[name] : undefined),
    input(field, value, text) {
      const values = { ...state.values };
      if (value === undefined) delete values[field.name];
      else values[field.name] = value;
      const texts = text === undefined ? state.texts : { ...state.texts, [field.name]: text };
      update({ values, texts, errors: state.touched.has(field.name) ? withIssue(state.errors, field, value) : state.errors });
    },
    leave(field) {
      update({ touched: new Set(state.touched).add(field.name), errors: withIssue(state.errors, field, state.values[field.name]) });
    },
    check(fields) {
      const touched = new Set(state.touched);
      let errors = state.errors;
      let first: FieldDefinition | undefined;
      for (const field of fields) {
        // A hidden field's value was checked when the form started (initialValues): nobody could correct it.
        if (field.type === 'hidden' || !derive().shown.has(field.name)) continue;
        touched.add(field.name);
        errors = withIssue(errors, field, state.values[field.name]);
        if (errors[field.name]) first ??= field;
      }
      update({ touched, errors });
      return first;
    },
    payload() {
      const shown = derive().shown;
      return Object.fromEntries(Object.entries(state.values).filter(([name]) => shown.has(name)));
    },
  };
  return model;
}
