/**
 * The field list and each field's property panel. The list reorders by drag and drop with
 * SortableJS, and by keyboard with each row's Move up / Move down buttons, announced in a live
 * region (SortableJS has no keyboard reordering of its own; this is what accessible sortables do).
 */
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import Sortable from 'sortablejs';
import { FIELD_TYPES, type FieldDefinition, type FieldType } from '../../src/schema/form.ts';
import { AreaControl, CheckControl, controlProps, IssuesOf, NumberControl, SelectControl, TextControl } from './controls.tsx';
import {
  addField,
  compact,
  conditionOf,
  controlId,
  type Draft,
  fieldIndexOf,
  moveField,
  removeField,
  type SimpleCondition,
  setFieldStep,
  simpleCondition,
  stepOf,
  textIn,
  updateField,
  withText,
} from './model.ts';
import { draft, edit, issues, locale, selected } from './store.ts';

/** What the live region last said about a move. */
const announcement = signal('');
const newType = signal<FieldType>('text');

const TEXT_TYPES = new Set<FieldType>(['text', 'email', 'tel', 'textarea', 'url']);
const OPTION_TYPES = new Set<FieldType>(['select', 'radio', 'checkboxes', 'country']);

const labelOf = (field: FieldDefinition) => textIn(field.label, locale.value) || textIn(field.label, 'en') || field.name;

function move(from: number, to: number, focus?: 'up' | 'down') {
  const current = draft.value!;
  const field = current.fields[from];
  if (!field || to < 0 || to >= current.fields.length) return;
  edit(moveField(current, from, to));
  if (selected.value === from) selected.value = to;
  announcement.value = `Moved "${labelOf(field)}" to position ${to + 1} of ${current.fields.length}.`;
  if (focus) {
    // The row moved in the page, and focus with it would be lost: it stays on the button pressed,
    // or on the other one once the row reaches an end of the list.
    const edge = (focus === 'up' && to === 0) || (focus === 'down' && to === current.fields.length - 1);
    const target = edge ? (focus === 'up' ? 'down' : 'up') : focus;
    requestAnimationFrame(() => document.getElementById(`move-${target}-${field.name}`)?.focus());
  }
}

export function FieldList() {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const sortable = Sortable.create(list.current!, {
      handle: '.drag',
      animation: 120,
      // Pointer events rather than HTML drag and drop: the same on every browser and on touch.
      forceFallback: true,
      onEnd(event) {
        const { oldIndex, newIndex, item, from } = event;
        if (oldIndex === undefined || newIndex === undefined || oldIndex === newIndex) return;
        // Preact owns these nodes: put the row back where it was and let the new order re-render it.
        item.remove();
        from.insertBefore(item, from.children[oldIndex] ?? null);
        move(oldIndex, newIndex);
      },
    });
    return () => sortable.destroy();
  }, []);
  const fields = draft.value!.fields;
  const withIssues = new Set(issues.value.map((issue) => fieldIndexOf(issue.path)));
  return (
    <section aria-labelledby="fields-heading" class="field-list">
      <h3 id="fields-heading">Fields</h3>
      <p class="hint">Drag a field by its handle, or use its Move buttons.</p>
      <ol ref={list}>
        {fields.map((field, index) => (
          <li key={field.name} data-field={field.name} class={index === selected.value ? 'selected' : undefined}>
            <span class="drag" aria-hidden="true" title="Drag to reorder">
              ⠿
            </span>
            <button type="button" class="pick" aria-pressed={index === selected.value} onClick={() => (selected.value = index)}>
              {labelOf(field)}{' '}
              <small>
                ({field.name} · {field.type})
              </small>
              {withIssues.has(index) && <span class="error"> · has problems</span>}
            </button>
            <button
              type="button"
              id={`move-up-${field.name}`}
              aria-label={`Move ${labelOf(field)} up`}
              disabled={index === 0}
              onClick={() => move(index, index - 1, 'up')}
            >
              ↑
            </button>
            <button
              type="button"
              id={`move-down-${field.name}`}
              aria-label={`Move ${labelOf(field)} down`}
              disabled={index === fields.length - 1}
              onClick={() => move(index, index + 1, 'down')}
            >
              ↓
            </button>
            <button
              type="button"
              aria-label={`Remove ${labelOf(field)}`}
              disabled={fields.length === 1}
              onClick={() => {
                edit(removeField(draft.value!, index));
                selected.value = Math.max(0, Math.min(selected.value, fields.length - 2));
                announcement.value = `Removed "${labelOf(field)}".`;
              }}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <p class="visually-hidden" aria-live="polite" data-testid="move-announcement">
        {announcement.value}
      </p>
      <div class="add-field">
        <label for="new-field-type">New field type</label>
        <select id="new-field-type" value={newType.value} onChange={(event) => (newType.value = event.currentTarget.value as FieldType)}>
          {FIELD_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => {
            edit(addField(draft.value!, newType.value));
            selected.value = draft.value!.fields.length - 1;
            announcement.value = `Added a ${newType.value} field at position ${draft.value!.fields.length}.`;
            requestAnimationFrame(() => document.getElementById(controlId(`fields.${selected.value}.label`))?.focus());
          }}
        >
          Add field
        </button>
      </div>
    </section>
  );
}

/** The property panel of the selected field. */
export function FieldPanel() {
  const current = draft.value!;
  const index = Math.min(selected.value, current.fields.length - 1);
  const field = current.fields[index]!;
  const at = (key: string) => `fields.${index}.${key}`;
  const set = (changes: Partial<FieldDefinition>) => edit(updateField(current, index, compact({ ...field, ...changes })));
  const lang = locale.value;
  const rules = TEXT_TYPES.has(field.type);
  return (
    <section aria-labelledby="field-heading" class="panel">
      <h3 id="field-heading">
        Field “{field.name}” <small>({lang})</small>
      </h3>
      <SelectControl
        path={at('type')}
        label="Type"
        value={field.type}
        options={FIELD_TYPES.map((type) => [type, type])}
        onChange={(type) => set({ type: type as FieldType })}
      />
      <TextControl path={at('name')} label="Name (the key in the lead and the CRM mapping)" value={field.name} onChange={(name) => set({ name })} />
      <TextControl
        path={at('label')}
        label={`Label (${lang})`}
        value={textIn(field.label, lang)}
        onChange={(text) => set({ label: withText(field.label, lang, text) })}
      />
      {field.type !== 'hidden' && (
        <>
          <TextControl
            path={at('placeholder')}
            label={`Placeholder (${lang})`}
            value={textIn(field.placeholder, lang)}
            onChange={(text) => set({ placeholder: withText(field.placeholder, lang, text) })}
          />
          <TextControl
            path={at('hint')}
            label={`Hint (${lang})`}
            value={textIn(field.hint, lang)}
            onChange={(text) => set({ hint: withText(field.hint, lang, text) })}
          />
          <CheckControl
            path={at('required')}
            label="Required"
            checked={field.required === true}
            onChange={(required) => set({ required: required || undefined })}
          />
        </>
      )}
      {rules && (
        <>
          <NumberControl path={at('minLength')} label="Least length" value={field.minLength} onChange={(minLength) => set({ minLength })} />
          <NumberControl path={at('maxLength')} label="Greatest length" value={field.maxLength} onChange={(maxLength) => set({ maxLength })} />
          <TextControl
            path={at('pattern')}
            label="Pattern (a regular expression the whole value matches)"
            value={field.pattern ?? ''}
            onChange={(pattern) => set({ pattern: pattern || undefined })}
          />
        </>
      )}
      {(field.type === 'number' || field.type === 'date') && (
        <>
          <TextControl
            path={at('min')}
            label={field.type === 'date' ? 'Earliest day (YYYY-MM-DD)' : 'Least value'}
            value={field.min === undefined ? '' : String(field.min)}
            onChange={(text) => set({ min: text === '' ? undefined : field.type === 'number' && !Number.isNaN(Number(text)) ? Number(text) : text })}
          />
          <TextControl
            path={at('max')}
            label={field.type === 'date' ? 'Latest day (YYYY-MM-DD)' : 'Greatest value'}
            value={field.max === undefined ? '' : String(field.max)}
            onChange={(text) => set({ max: text === '' ? undefined : field.type === 'number' && !Number.isNaN(Number(text)) ? Number(text) : text })}
          />
          {field.type === 'number' && <NumberControl path={at('step')} label="Step" value={field.step} onChange={(step) => set({ step })} />}
        </>
      )}
      {OPTION_TYPES.has(field.type) && (
        <AreaControl
          path={at('options')}
          label={`Options, one a line: value | label (${lang})`}
          rows={4}
          value={(field.options ?? []).map((option) => [option.value, textIn(option.label, lang)].filter(Boolean).join(' | ')).join('\n')}
          onChange={(text) =>
            set({
              options: text
                .split('\n')
                .map((line) => line.split('|').map((part) => part.trim()))
                .filter(([value]) => value)
                .map(([value, label], i) => {
                  const before = field.options?.[i]?.label;
                  const localized = withText(before, lang, label ?? '');
                  return localized === undefined ? { value: value! } : { value: value!, label: localized };
                }),
            })
          }
        />
      )}
      {field.type === 'checkboxes' && (
        <>
          <NumberControl path={at('minSelected')} label="Fewest choices" value={field.minSelected} onChange={(minSelected) => set({ minSelected })} />
          <NumberControl path={at('maxSelected')} label="Most choices" value={field.maxSelected} onChange={(maxSelected) => set({ maxSelected })} />
        </>
      )}
      {field.type === 'hidden' && <TextControl path={at('value')} label="Fixed value" value={field.value ?? ''} onChange={(value) => set({ value })} />}
      {field.type === 'consent' && (
        <TextControl path={at('policyUrl')} label="Policy address" type="url" value={field.policyUrl ?? ''} onChange={(policyUrl) => set({ policyUrl })} />
      )}
      {field.type === 'tel' && (
        <TextControl
          path={at('phone')}
          label="Default country (e.g. DE)"
          value={field.phone?.defaultCountry ?? ''}
          onChange={(country) => set({ phone: country ? { ...field.phone, defaultCountry: country.toUpperCase() } : undefined })}
        />
      )}
      <TextControl
        path={at('prefillParam')}
        label="Pre-fill from page parameter"
        value={field.prefillParam ?? ''}
        onChange={(prefillParam) => set({ prefillParam })}
      />
      {current.steps && field.type !== 'hidden' && (
        <SelectControl
          path={at('step')}
          label="Step"
          value={stepOf(current, field.name) ?? ''}
          options={[['', '(none)'], ...current.steps.map((step): [string, string] => [step.id, textIn(step.title, lang) || step.id])]}
          onChange={(stepId) => edit(setFieldStep(draft.value!, field.name, stepId))}
        />
      )}
      <ConditionEditor
        path={at('when')}
        when={field.when}
        names={current.fields.filter((each) => each.name !== field.name).map((each) => each.name)}
        onChange={(when) => set({ when })}
      />
    </section>
  );
}

const OPERATORS: [SimpleCondition['op'] | '' | 'json', string][] = [
  ['', 'Always shown'],
  ['is', 'Shown when a field is a value'],
  ['in', 'Shown when a field is one of values'],
  ['notEmpty', 'Shown when a field is filled in'],
  ['checked', 'Shown when a box is ticked'],
  ['json', 'Advanced: all / any / not (JSON)'],
];

/** A `when`: one simple condition in three inputs, or any condition as JSON. */
export function ConditionEditor({
  path,
  when,
  names,
  onChange,
}: {
  path: string;
  when: Draft['fields'][number]['when'];
  names: string[];
  onChange: (when: Draft['fields'][number]['when']) => void;
}) {
  const simple = simpleCondition(when);
  const mode = when === undefined ? '' : simple ? simple.op : 'json';
  const listId = `${controlId(path)}-names`;
  const modeId = `${controlId(path)}-mode`;
  return (
    <fieldset class="condition">
      <legend>Condition</legend>
      <label for={modeId}>When is it shown?</label>
      <select
        id={modeId}
        value={mode}
        onChange={(event) => {
          const op = event.currentTarget.value;
          if (op === '') onChange(undefined);
          else if (op === 'json') onChange(when ?? { all: [{ field: names[0] ?? 'email', notEmpty: true }] });
          else onChange(conditionOf({ field: simple?.field ?? names[0] ?? '', op: op as SimpleCondition['op'], value: simple?.value ?? '' }));
        }}
      >
        {OPERATORS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      {simple && (
        <>
          <label for={controlId(path)}>Field it reads</label>
          <input
            {...controlProps(path)}
            list={listId}
            value={simple.field}
            onInput={(event) => onChange(conditionOf({ ...simple, field: event.currentTarget.value }))}
          />
          <datalist id={listId}>
            {names.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          {(simple.op === 'is' || simple.op === 'in') && (
            <>
              <label for={`${controlId(path)}-value`}>{simple.op === 'in' ? 'Values, separated by commas' : 'Value'}</label>
              <input
                id={`${controlId(path)}-value`}
                value={simple.value}
                onInput={(event) => onChange(conditionOf({ ...simple, value: event.currentTarget.value }))}
              />
            </>
          )}
        </>
      )}
      {mode === 'json' && <JsonCondition path={path} when={when} onChange={onChange} />}
      <IssuesOf path={path} />
    </fieldset>
  );
}

const jsonTexts = new Map<string, string>();

/** A condition as JSON, kept as typed while it does not parse. */
function JsonCondition({ path, when, onChange }: { path: string; when: unknown; onChange: (when: never) => void }) {
  const text = jsonTexts.get(path) ?? JSON.stringify(when, null, 1);
  const broken = (() => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  })();
  return (
    <>
      <label for={`${controlId(path)}-json`}>Condition as JSON</label>
      <textarea
        id={`${controlId(path)}-json`}
        rows={4}
        value={text}
        aria-invalid={broken ? 'true' : undefined}
        onInput={(event) => {
          const typed = event.currentTarget.value;
          jsonTexts.set(path, typed);
          try {
            onChange(JSON.parse(typed) as never);
            jsonTexts.delete(path);
          } catch {
            draft.value = { ...draft.value! };
          }
        }}
      />
      {broken && <p class="error">Not JSON yet; the draft keeps the last condition that was.</p>}
    </>
  );
}
