/**
 * The form itself: renders the definition, validates each field with the shared schema, and
 * submits. Errors show after a field is left or on submit, never while a person first types.
 */
import { useSignal } from '@preact/signals';
import type { JSX } from 'preact';
import type { FieldDefinition, FormDefinition, RuleCode } from '../../src/schema/form.ts';
import { localize, ruleMessage } from '../../src/schema/messages.ts';
import { type FieldValue, fieldIssue } from '../../src/schema/submission.ts';
import { readAttribution } from '../attribution.ts';
import { catalogueFor, pickLocale } from './i18n.ts';
import { newIdempotencyKey, sendSubmission } from './transport.ts';

export type FormEvent = 'submit' | 'success' | 'error';

export interface FormProps {
  definition: FormDefinition;
  relay: string;
  prefill: Record<string, FieldValue>;
  emit(event: FormEvent, detail: Record<string, unknown>): void;
}

type Status = 'idle' | 'sending' | 'success' | 'failed';

export function Form({ definition, relay, prefill, emit }: FormProps) {
  const locale = pickLocale(definition);
  const t = catalogueFor(definition, locale);
  const values = useSignal<Record<string, FieldValue>>(initialValues(definition, prefill));
  const errors = useSignal<Record<string, RuleCode>>({});
  const touched = useSignal<Record<string, boolean>>({});
  const status = useSignal<Status>('idle');
  const key = useSignal<string | null>(null);
  const startedAt = useSignal(Date.now());
  const idPrefix = `lf-${definition.id}`;

  const check = (field: FieldDefinition) => {
    const code = fieldIssue(field, values.value[field.name]);
    const next = { ...errors.value };
    if (code) next[field.name] = code;
    else delete next[field.name];
    errors.value = next;
    return code;
  };

  const onInput = (field: FieldDefinition, value: FieldValue) => {
    values.value = { ...values.value, [field.name]: value };
    // Once a field has shown an error, re-check as the person types so it clears when fixed.
    if (touched.value[field.name]) check(field);
  };

  const onBlur = (field: FieldDefinition) => {
    touched.value = { ...touched.value, [field.name]: true };
    check(field);
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (status.value === 'sending') return;
    const form = event.currentTarget as HTMLFormElement;
    touched.value = Object.fromEntries(definition.fields.map((f) => [f.name, true]));
    const invalid = definition.fields.filter((field) => check(field));
    if (invalid.length) {
      form.querySelector<HTMLElement>(`#${idPrefix}-${invalid[0]!.name}`)?.focus();
      return;
    }
    status.value = 'sending';
    key.value ??= newIdempotencyKey();
    const hp = (form.querySelector<HTMLInputElement>('input[name="_hp"]')?.value ?? '');
    const submission = {
      fields: values.value,
      attribution: readAttribution(),
      meta: { fillMs: Date.now() - startedAt.value, hp, locale, page: location.href.slice(0, 2048) },
    };
    emit('submit', { formId: definition.id });
    const result = await sendSubmission(relay, definition.id, submission, key.value);
    if (result.ok) {
      status.value = 'success';
      key.value = null;
      emit('success', { formId: definition.id, id: result.id });
      if (definition.redirectUrl) location.assign(definition.redirectUrl);
      return;
    }
    status.value = 'failed';
    emit('error', { formId: definition.id, status: result.status, error: result.ok === false && result.kind === 'rejected' ? result.error : 'unavailable' });
  };

  if (status.value === 'success') {
    return (
      <div class="lf" role="status" aria-live="polite">
        <p class="success" tabIndex={-1}>
          {localize(definition.successMessage, locale) ?? t.success}
        </p>
      </div>
    );
  }

  const title = localize(definition.title, locale);
  return (
    <form class="lf" noValidate onSubmit={onSubmit} aria-labelledby={title ? `${idPrefix}-title` : undefined}>
      {title && <h2 id={`${idPrefix}-title`}>{title}</h2>}
      {definition.fields.map((field) => {
        const id = `${idPrefix}-${field.name}`;
        const code = touched.value[field.name] ? errors.value[field.name] : undefined;
        const errorId = `${id}-error`;
        const value = values.value[field.name];
        if (field.type === 'hidden') return null;
        const common = {
          id,
          name: field.name,
          required: field.required,
          'aria-invalid': code ? ('true' as const) : undefined,
          'aria-describedby': code ? errorId : undefined,
          onBlur: () => onBlur(field),
        };
        const label = localize(field.label, locale) ?? field.name;
        return (
          <div class="field" key={field.name}>
            <label for={id}>
              {label}
              {field.required && <span class="req" aria-hidden="true"> *</span>}
            </label>
            {renderControl(field, common, value, (next) => onInput(field, next), locale)}
            {code && (
              <p class="error" id={errorId}>
                {ruleMessage(field, code, t, locale)}
              </p>
            )}
          </div>
        );
      })}
      <div class="hp" aria-hidden="true">
        <label>
          Leave this empty <input name="_hp" tabIndex={-1} autoComplete="off" />
        </label>
      </div>
      <button type="submit" disabled={status.value === 'sending'}>
        {status.value === 'sending' ? t.sending : (localize(definition.submitLabel, locale) ?? t.submit)}
      </button>
      <p class="status" role="status" aria-live="polite">
        {status.value === 'failed' ? t.failure : status.value === 'sending' ? t.sending : ''}
      </p>
    </form>
  );
}

type Common = JSX.HTMLAttributes<HTMLInputElement> & { id: string; name: string };

function renderControl(field: FieldDefinition, common: Common, value: FieldValue | undefined, set: (v: FieldValue) => void, locale: string) {
  const text = typeof value === 'string' ? value : '';
  const onText = (event: Event) => set((event.currentTarget as HTMLInputElement).value);
  switch (field.type) {
    case 'textarea':
      return <textarea {...(common as JSX.HTMLAttributes<HTMLTextAreaElement>)} value={text} onInput={onText} maxLength={field.maxLength} />;
    case 'select':
      return (
        <select {...(common as JSX.HTMLAttributes<HTMLSelectElement>)} value={text} onChange={onText}>
          <option value="">—</option>
          {field.options?.map((option) => (
            <option value={option.value}>{localize(option.label, locale) ?? option.value}</option>
          ))}
        </select>
      );
    case 'checkbox':
    case 'consent':
      return <input {...common} type="checkbox" checked={value === true} onChange={(e) => set((e.currentTarget as HTMLInputElement).checked)} />;
    default:
      return (
        <input
          {...common}
          type={field.type === 'email' ? 'email' : field.type === 'tel' ? 'tel' : 'text'}
          value={text}
          onInput={onText}
          maxLength={field.maxLength}
          placeholder={localize(field.placeholder, locale)}
          autoComplete={field.autocomplete ?? (field.type === 'email' ? 'email' : field.type === 'tel' ? 'tel' : undefined)}
        />
      );
  }
}

function initialValues(definition: FormDefinition, prefill: Record<string, FieldValue>): Record<string, FieldValue> {
  const params = new URLSearchParams(location.search);
  const values: Record<string, FieldValue> = {};
  for (const field of definition.fields) {
    const fromUrl = field.prefillParam ? params.get(field.prefillParam) : null;
    const initial = prefill[field.name] ?? fromUrl ?? (field.type === 'hidden' ? (field.value ?? '') : undefined);
    if (initial !== undefined && initial !== null) values[field.name] = initial;
  }
  return values;
}
