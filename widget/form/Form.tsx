/**
 * The form itself: renders the definition, checks each field with the shared schema and submits.
 * Its state is a few plain variables and `paint()` re-renders after each change: a form this
 * small needs no reactive library, and leaving signals out keeps 1.6 KB gzip off every page.
 * Errors show once a field is left or on submit, never while a person first types; once shown,
 * an error is re-checked on each keystroke so it clears the moment the value is fixed.
 */
/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
// Classic JSX: preact's createElement is in the bundle anyway; the automatic runtime adds its own.
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h and Fragment
import { Fragment, h, type JSX, render } from 'preact';
import type { Attribution } from '../../src/schema/attribution.ts';
import { type FieldValue, fieldIssue } from '../../src/schema/field.ts';
import type { FieldDefinition, FormDefinition } from '../../src/schema/form.ts';
import type { RuleCode } from '../../src/schema/form-keys.ts';
import type { Catalogue } from '../../src/schema/messages.ts';
import type { SubmissionMeta } from '../../src/schema/submission.ts';
import { localize, ruleMessage } from '../../src/schema/wording.ts';
import type { Emit } from './events.ts';
import { enqueue, type Queued, whenSettled } from './queue.ts';
import { newIdempotencyKey, type SendResult, sendSubmission } from './transport.ts';

export interface FormOptions {
  definition: FormDefinition;
  relay: string;
  locale: string;
  t: Catalogue;
  /** Values set by the host page (`LeadForm('render', {prefill})`); they win over URL parameters. */
  prefill: Record<string, FieldValue>;
  /** The visit's attribution, read when the visitor submits. */
  attribution: () => Attribution | undefined;
  emit: Emit;
  /** Follows the definition's redirect after success. @default location.assign */
  navigate?: (url: string) => void;
  /** Gives a submission its Turnstile token, when the definition asks for a challenge (`challenge.ts`). */
  challenge?: (meta: SubmissionMeta) => Promise<void>;
}

/**
 * idle → sending → success; sending → failed (network or 5xx: retry), rejected (4xx) or
 * offline (kept in the queue, sent when the browser is back online).
 */
type Status = 'idle' | 'invalid' | 'sending' | 'success' | 'failed' | 'rejected' | 'offline';

/** Renders the form into `container`; returns a function that removes it. */
export function mountForm(container: Element | ShadowRoot, options: FormOptions): () => void {
  const { definition, relay, locale, t, emit } = options;
  const formId = definition.id;
  const ids = `lf-${formId}`;
  const idOf = (field: FieldDefinition) => `${ids}-${field.name}`;
  const visible = definition.fields.filter((field) => field.type !== 'hidden');

  let values = initialValues(definition, options.prefill);
  let errors: Record<string, RuleCode> = {};
  let status: Status = 'idle';
  const touched = new Set<string>();
  const startedAt = Date.now();
  // The relay drops forms filled faster than a person types; a form the page filled in for the
  // visitor (prefill), sent without a keystroke, has no fill time to judge.
  let typed = false;
  // One submission, one Idempotency-Key, for every retry; an edit makes it a new submission.
  let pending: Queued | undefined;

  const check = (field: FieldDefinition) => {
    const code = fieldIssue(field, values[field.name]);
    errors = { ...errors };
    if (code) errors[field.name] = code;
    else delete errors[field.name];
    return code;
  };
  const focus = (id: string) => container.querySelector<HTMLElement>(`#${id}`)?.focus();

  const onInput = (field: FieldDefinition, value: FieldValue) => {
    if (status === 'sending') return;
    typed = true;
    pending = undefined;
    values = { ...values, [field.name]: value };
    if (touched.has(field.name)) check(field);
    settleErrors();
  };
  const onBlur = (field: FieldDefinition) => {
    touched.add(field.name);
    check(field);
    settleErrors();
  };
  // "Please correct the highlighted fields" goes once nothing is highlighted any more.
  const settleErrors = () => {
    if (status === 'invalid' && !Object.keys(errors).length) status = 'idle';
    paint();
  };
  const setStatus = (next: Status) => {
    status = next;
    paint();
  };

  const settle = (entry: Queued, result: SendResult) => {
    if (result.ok) {
      pending = undefined;
      setStatus('success');
      focus(`${ids}-status`);
      emit('success', { formId, id: result.id });
      if (definition.redirectUrl) (options.navigate ?? ((url) => location.assign(url)))(definition.redirectUrl);
      return;
    }
    // A form with a challenge is not kept offline: its token would be missing or stale by the time
    // the queue sends it from some later page, where nobody would see the refusal.
    if (result.kind === 'unavailable' && result.status === 0 && !navigator.onLine && !options.challenge && enqueue(entry)) {
      setStatus('offline');
      focus(`${ids}-status`);
      whenSettled(entry.key, (later) => settle(entry, later));
      emit('error', { formId, status: 0, error: 'offline' });
      return;
    }
    if (result.kind === 'rejected') {
      pending = undefined;
      const fromRelay: Record<string, RuleCode> = {};
      for (const issue of result.issues ?? []) {
        if (issue.path[0] === 'fields') fromRelay[String(issue.path[1])] = issue.code as RuleCode;
      }
      errors = fromRelay;
      for (const name of Object.keys(fromRelay)) touched.add(name);
      const first = visible.find((field) => fromRelay[field.name]);
      setStatus(first ? 'invalid' : 'rejected');
      if (first) focus(idOf(first));
    } else {
      setStatus('failed');
    }
    emit('error', { formId, status: result.status, error: result.kind === 'rejected' ? result.error : 'unavailable' });
  };

  const send = async (entry: Queued) => {
    setStatus('sending');
    await options.challenge?.(entry.body.meta!);
    const result: SendResult = navigator.onLine ? await sendSubmission(relay, formId, entry.body, entry.key) : { ok: false, kind: 'unavailable', status: 0 };
    settle(entry, result);
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (status === 'sending') return;
    let firstInvalid: FieldDefinition | undefined;
    for (const field of visible) {
      touched.add(field.name);
      if (check(field) && !firstInvalid) firstInvalid = field;
    }
    if (firstInvalid) {
      setStatus('invalid');
      return focus(idOf(firstInvalid));
    }
    const honeypot = container.querySelector<HTMLInputElement>('input[name="_hp"]')?.value ?? '';
    pending ??= {
      relay,
      form: formId,
      key: newIdempotencyKey(),
      body: {
        fields: values,
        attribution: options.attribution(),
        meta: { fillMs: typed ? Date.now() - startedAt : undefined, hp: honeypot, locale, page: location.href.slice(0, 2048) },
      },
    };
    emit('submit', { formId });
    void send(pending);
  };

  const view = () => {
    const state = status;
    const done = state === 'success' || state === 'offline';
    const notice = {
      idle: '',
      invalid: t.errors_summary,
      sending: t.sending,
      success: localize(definition.successMessage, locale) ?? t.success,
      failed: t.failure,
      rejected: t.failure,
      offline: t.offline,
    }[state];
    const title = localize(definition.title, locale);
    return (
      <div class="lf" lang={locale} style={themeProperties(definition)}>
        {!done && (
          <form noValidate onSubmit={onSubmit} aria-labelledby={title ? `${ids}-title` : undefined}>
            {title && <h2 id={`${ids}-title`}>{title}</h2>}
            {visible.map((field) => renderField(field))}
            {/* Where a Turnstile challenge shows (challenge.ts); an empty slot shows nothing. */}
            <slot name="challenge" />
            <div class="hp" aria-hidden="true">
              <label>
                Leave this empty <input name="_hp" tabIndex={-1} autoComplete="off" />
              </label>
            </div>
            <button type="submit" aria-disabled={state === 'sending' ? 'true' : undefined}>
              {state === 'sending' ? t.sending : (localize(definition.submitLabel, locale) ?? t.submit)}
            </button>
            {state === 'failed' && (
              <button type="button" class="retry" onClick={() => pending && void send(pending)}>
                {t.retry}
              </button>
            )}
          </form>
        )}
        <p id={`${ids}-status`} class={done ? 'status done' : 'status'} role="status" aria-live="polite" tabIndex={-1}>
          {notice}
        </p>
      </div>
    );
  };

  const renderField = (field: FieldDefinition) => {
    const id = idOf(field);
    const code = touched.has(field.name) ? errors[field.name] : undefined;
    const value = values[field.name];
    const label = localize(field.label, locale) ?? field.name;
    const hint = localize(field.hint, locale);
    const described = [hint && `${id}-hint`, code && `${id}-error`].filter(Boolean).join(' ') || undefined;
    const required = field.required ? (
      <span class="req" aria-hidden="true">
        {' '}
        *
      </span>
    ) : null;
    const aria = {
      'aria-invalid': code ? ('true' as const) : undefined,
      'aria-describedby': described,
      'aria-required': field.required ? ('true' as const) : undefined,
      onBlur: () => onBlur(field),
    };
    const after = (
      <>
        {hint && (
          <p class="hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        {code && (
          <p class="error" id={`${id}-error`}>
            {ruleMessage(field, code, t, locale)}
          </p>
        )}
      </>
    );

    if (field.type === 'radio') {
      return (
        <fieldset class="field" key={field.name}>
          <legend>
            {label}
            {required}
          </legend>
          {field.options?.map((option, index) => (
            <label class="choice">
              <input
                {...aria}
                // biome-ignore lint/a11y/useValidAriaValues: undefined removes the aria-required the spread carries; the group says it instead
                aria-required={undefined}
                // The group's "required" for screen readers (the form is noValidate: no browser bubbles).
                required={field.required}
                type="radio"
                id={index ? `${id}-${index}` : id}
                name={field.name}
                value={option.value}
                checked={value === option.value}
                onChange={() => onInput(field, option.value)}
              />
              {localize(option.label, locale) ?? option.value}
            </label>
          ))}
          {after}
        </fieldset>
      );
    }
    if (field.type === 'checkbox' || field.type === 'consent') {
      return (
        <div class="field" key={field.name}>
          <div class="check">
            <input {...aria} type="checkbox" id={id} name={field.name} checked={value === true} onChange={(e) => onInput(field, e.currentTarget.checked)} />
            <label for={id}>
              {label}
              {required}
            </label>
            {field.type === 'consent' && field.policyUrl && (
              <a href={field.policyUrl} target="_blank" rel="noopener">
                {t.policy}
              </a>
            )}
          </div>
          {after}
        </div>
      );
    }

    const text = typeof value === 'string' ? value : '';
    const onText = (event: JSX.TargetedEvent<HTMLElement & { value: string }>) => onInput(field, event.currentTarget.value);
    const common = { ...aria, id, name: field.name, value: text };
    let control: JSX.Element;
    if (field.type === 'textarea') {
      control = <textarea {...common} onInput={onText} maxLength={field.maxLength} placeholder={localize(field.placeholder, locale)} />;
    } else if (field.type === 'select') {
      control = (
        <select {...common} onChange={onText}>
          <option value="">{localize(field.placeholder, locale) ?? '—'}</option>
          {field.options?.map((option) => (
            <option value={option.value}>{localize(option.label, locale) ?? option.value}</option>
          ))}
        </select>
      );
    } else {
      const type = field.type === 'email' || field.type === 'tel' ? field.type : 'text';
      control = (
        <input
          {...common}
          type={type}
          onInput={onText}
          maxLength={field.maxLength}
          placeholder={localize(field.placeholder, locale)}
          autoComplete={field.autocomplete ?? (type === 'text' ? undefined : type)}
        />
      );
    }
    return (
      <div class="field" key={field.name}>
        <label for={id}>
          {label}
          {required}
        </label>
        {control}
        {after}
      </div>
    );
  };

  const paint = () => render(view(), container);
  paint();
  return () => render(null, container);
}

/** The definition's theme as the custom properties the stylesheet falls back to. */
function themeProperties({ theme }: FormDefinition): Record<string, string> {
  const properties: Record<string, string> = {};
  // colorPrimary → --lfd-color-primary, radius → --lfd-radius, …
  for (const [key, value] of Object.entries(theme ?? {})) {
    if (typeof value === 'string') properties[`--lfd-${key.replace(/[A-Z]/g, (upper) => `-${upper.toLowerCase()}`)}`] = value;
  }
  return properties;
}

/**
 * The starting values: the host page's prefill, else the URL parameter the field names, else a
 * hidden field's fixed value. A consent box is never pre-ticked: consent is the visitor's own act.
 */
export function initialValues(definition: FormDefinition, prefill: Record<string, FieldValue>, search = location.search): Record<string, FieldValue> {
  const params = new URLSearchParams(search);
  const values: Record<string, FieldValue> = {};
  for (const field of definition.fields) {
    if (field.type === 'consent') continue;
    const fromUrl = field.prefillParam ? params.get(field.prefillParam) : null;
    let value: FieldValue | null | undefined = prefill[field.name] ?? fromUrl ?? (field.type === 'hidden' ? (field.value ?? '') : undefined);
    if (field.type === 'checkbox' && typeof value === 'string') value = !/^(0|false|no|off)?$/i.test(value);
    // Nobody can correct a hidden field: a URL value that breaks its rules gives way to its own.
    if (field.type === 'hidden' && fieldIssue(field, value)) value = field.value ?? '';
    if ((field.type === 'select' || field.type === 'radio') && !field.options?.some((option) => option.value === value)) continue;
    if (value !== undefined && value !== null) values[field.name] = value;
  }
  return values;
}
