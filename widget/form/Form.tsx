/**
 * The form itself: the state model (state.ts) holds values, errors and status; one renderer per
 * field type (fields/) draws each field; this file wires them to the transport and the events.
 * Errors show once a field is left or on submit, never while a person first types; once shown,
 * an error is re-checked on each keystroke so it clears the moment the value is fixed.
 */
/** @jsxRuntime classic */
/** @jsx h */
// Classic JSX, compiled to the widget renderer's own `h` (dom.ts), which has no automatic runtime module.
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h
import { Fragment, h, render, type VNode } from './dom.ts';
import type { Attribution } from '../../src/schema/attribution.ts';
import { type FieldValue, fieldIssue, ruleParams } from '../../src/schema/field.ts';
import type { FieldDefinition, FormDefinition } from '../../src/schema/form.ts';
import type { RuleCode } from '../../src/schema/form-keys.ts';
import type { Catalogue } from '../../src/schema/messages.ts';
import type { Submission, SubmissionMeta } from '../../src/schema/submission.ts';
import { format, localize } from '../../src/schema/wording.ts';
import type { Emit } from './events.ts';
import { rendererFor, textParsers } from './fields/index.ts';
import { directionOf } from './i18n.ts';
import { enqueue, type Queued, whenSettled } from './queue.ts';
import { createFormModel, type FormModel, type Status, type Visibility } from './state.ts';
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
  /** Which steps and fields the values show (conditions.ts, in the steps chunk). @default every field, one step */
  visibility?: Visibility;
  /** Progress, history and saved values of a form with steps (the steps chunk). @default none: one step */
  steps?: (context: StepsContext) => StepsPart;
  /**
   * The page the visitor is on, for the lead's `meta.page`; the iframe's embed page passes its
   * parent's (frame.ts), which the frame's own `location` is not. @default location.href
   */
  page?: () => string | undefined;
}

/** What the steps chunk gets from the form it serves. */
export interface StepsContext {
  definition: FormDefinition;
  model: FormModel;
  /** The prefix of the form's element ids. */
  ids: string;
  t: Catalogue;
  locale: string;
  emit: Emit;
  /** Where the form renders. */
  container: Element | ShadowRoot;
}

/** How a move between steps came about: a button, or the browser's Back and Forward (or a jump to a field in error, which leaves history alone). */
export type StepMove = 'next' | 'back' | 'history';

/** What the steps chunk adds to a form. */
export interface StepsPart {
  /** Above the step's fields: the progress and the step's heading. */
  header(): VNode | null;
  /** Shows step `to` (an index among the shown steps). */
  go(to: number, how: StepMove): void;
}

/** Renders the form into `container`; returns a function that removes it. */
export function mountForm(container: Element | ShadowRoot, options: FormOptions): () => void {
  const { definition, relay, locale, t, emit } = options;
  const formId = definition.id;
  const ids = `lf-${formId}`;
  const idOf = (field: FieldDefinition) => `${ids}-${field.name}`;
  const model = createFormModel(definition, initialValues(definition, options.prefill), options.visibility);
  const startedAt = Date.now();
  // The relay drops forms filled faster than a person types; a form the page filled in for the
  // visitor (prefill), sent without a keystroke, has no fill time to judge.
  let typed = false;
  // One submission, one Idempotency-Key, for every retry; an edit makes it a new submission.
  let pending: Queued | undefined;
  // Known before the submit, so the partial kept meanwhile (partials.ts) carries it too. Only an
  // edit after a send that may have been stored (`failed`) needs a new one.
  let key = newIdempotencyKey();

  const focus = (id: string) => container.querySelector<HTMLElement>(`#${id}`)?.focus();
  const setStatus = (status: Status) => model.update({ status });
  const steps = options.steps?.({ definition, model, ids, t, locale, emit, container });
  const go = (to: number, how: StepMove) => (steps ? steps.go(to, how) : model.update({ step: to }));
  /**
   * Shows the step of `field` (straight there, however many steps back) and puts focus on it,
   * then sets `status`, which a move between steps would have reset.
   */
  const focusField = (field: FieldDefinition, status: Status) => {
    const index = model.steps().findIndex((step) => step.fields.includes(field));
    if (index >= 0 && index !== model.get().step) go(index, 'history');
    focus(idOf(field));
    setStatus(status);
  };

  const onInput = (field: FieldDefinition, value: FieldValue | undefined, text?: string) => {
    if (model.get().status === 'sending') return;
    typed = true;
    if (pending) key = newIdempotencyKey();
    pending = undefined;
    model.input(field, value, text);
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
      model.update({ errors: fromRelay, touched: new Set([...model.get().touched, ...Object.keys(fromRelay)]) });
      const first = model
        .steps()
        .flatMap((step) => step.fields)
        .find((field) => field.type !== 'hidden' && model.errorOf(field.name));
      if (first) focusField(first, 'invalid');
      else setStatus('rejected');
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
    if (model.get().status === 'sending') return;
    const shownSteps = model.steps();
    const { step } = model.get();
    // Next (and Enter) checks only the step shown; the last step's button checks them all.
    const last = step >= shownSteps.length - 1;
    const firstInvalid = model.check(last ? shownSteps.flatMap((shown) => shown.fields) : shownSteps[step]!.fields);
    if (firstInvalid) return focusField(firstInvalid, 'invalid');
    if (!last) return go(step + 1, 'next');
    pending ??= { relay, form: formId, key, body: body() };
    emit('submit', { formId });
    void send(pending);
  };

  /** What a submission sent now carries. */
  const body = (): Submission => ({
    fields: model.payload(),
    attribution: options.attribution(),
    meta: {
      fillMs: typed ? Date.now() - startedAt : undefined,
      hp: container.querySelector<HTMLInputElement>('input[name="_hp"]')?.value ?? '',
      locale,
      page: (options.page?.() ?? location.href).slice(0, 2048),
      formVersion: definition.version,
      ...phoneCountries(model),
    },
  });
  // A form with `partials: true` keeps what is filled at the relay (a chunk of its own); one that
  // fails to load only means no partials: nothing reaches the page.
  if (definition.partials)
    import('./partials.ts').then(
      (chunk) => chunk.keep(options, model, () => key, body),
      () => {},
    );

  const renderField = (field: FieldDefinition) => {
    const { values, texts } = model.get();
    const code = model.errorOf(field.name);
    return (
      <Fragment key={field.name}>
        {rendererFor(field)({
          field,
          id: idOf(field),
          value: values[field.name],
          text: texts[field.name],
          error: code && messageOf(field, code, t, locale),
          locale,
          t,
          model,
          onInput: (value, text) => onInput(field, value, text),
          onBlur: () => model.leave(field),
        })}
      </Fragment>
    );
  };

  /** The fields in error, in the form's order, each a link that shows its step and focuses it. */
  const summaryLinks = () =>
    model
      .steps()
      .flatMap((shownStep) => shownStep.fields)
      .filter((field) => model.shown().has(field.name) && model.errorOf(field.name))
      .map((field) => (
        <li key={field.name}>
          <a
            href={`#${idOf(field)}`}
            onClick={(event: Event) => {
              // The id is inside a shadow root, where the browser's own jump to it finds nothing.
              event.preventDefault();
              focusField(field, 'invalid');
            }}
          >
            {localize(field.label, locale) ?? field.name}: {messageOf(field, model.errorOf(field.name)!, t, locale)}
          </a>
        </li>
      ));

  /** What the status region says: nothing, a sentence, the error summary, or the sent (or kept offline) state. */
  const statusContent = (status: Status) => {
    if (status === 'idle') return null;
    if (status === 'invalid') {
      return (
        <Fragment>
          <p>{t.errors_summary}</p>
          <ul>{summaryLinks()}</ul>
        </Fragment>
      );
    }
    if (status !== 'success' && status !== 'offline') return { sending: t.sending, failed: t.failure, rejected: t.failure }[status];
    const success = status === 'success';
    return (
      <Fragment>
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle cx="12" cy="12" r="12" />
          {/* A tick when sent; a clock's hands when kept to send once back online. */}
          <path d={success ? 'm7 12.5 3.2 3.2L17 9' : 'M12 6.5V12l3.5 2.5'} />
        </svg>
        {success && <h2>{t.success_title}</h2>}
        <p>{success ? (localize(definition.successMessage, locale) ?? t.success) : t.offline}</p>
      </Fragment>
    );
  };

  const view = () => {
    const { status } = model.get();
    const done = isDone(status);
    const title = localize(definition.title, locale);
    const shown = model.shown();
    const shownSteps = model.steps();
    const { step } = model.get();
    const last = step >= shownSteps.length - 1;
    return (
      <div class="lf" lang={locale} dir={directionOf(locale)} style={themeProperties(definition)}>
        {!done && (
          <form noValidate onSubmit={onSubmit} aria-labelledby={title ? `${ids}-title` : undefined}>
            {title && <h2 id={`${ids}-title`}>{title}</h2>}
            {steps?.header()}
            {shownSteps[step]!.fields.filter((field) => shown.has(field.name)).map(renderField)}
            {/* Where a Turnstile challenge shows (challenge.ts); an empty slot shows nothing. */}
            <slot name="challenge" />
            <div class="hp" aria-hidden="true">
              <label>
                Leave this empty <input name="_hp" tabIndex={-1} autoComplete="off" />
              </label>
            </div>
            <button type="submit" aria-disabled={status === 'sending' ? 'true' : undefined}>
              {status === 'sending' ? t.sending : last ? (localize(definition.submitLabel, locale) ?? t.submit) : t.next}
            </button>
            {step > 0 && status !== 'sending' && (
              <button type="button" class="back" onClick={() => go(step - 1, 'back')}>
                {t.back}
              </button>
            )}
            {status === 'failed' && (
              <button type="button" class="retry" onClick={() => pending && void send(pending)}>
                {t.retry}
              </button>
            )}
          </form>
        )}
        {/* One live region in every state, so each change of what it says is announced. */}
        <div id={`${ids}-status`} class={`status ${done ? 'done' : status}`} role="status" aria-live="polite" tabIndex={-1}>
          {statusContent(status)}
        </div>
      </div>
    );
  };

  // Never inside a render: moving or removing a focused element fires blur synchronously, whose
  // handler changes the model; that change is painted once the render in progress is done.
  let painting = false;
  let stale = false;
  const paint = () => {
    stale = true;
    if (painting) return;
    painting = true;
    try {
      while (stale) {
        stale = false;
        // The box eases from the form's height to the sent state's, unless the visitor asked for less motion.
        const box = container.querySelector<HTMLElement>('.lf');
        const from = isDone(model.get().status) && container.querySelector('form') ? box?.offsetHeight : undefined;
        render(view(), container);
        if (from && box?.animate && !matchMedia('(prefers-reduced-motion: reduce)').matches) {
          box.animate({ blockSize: [`${from}px`, `${box.offsetHeight}px`], overflow: ['hidden', 'hidden'] }, { duration: 400, easing: 'ease-in-out' });
        }
      }
    } finally {
      painting = false;
    }
  };
  model.subscribe(paint);
  paint();
  // The funnel beacons: a chunk fetched once the form is interactive (it sends nothing under Global
  // Privacy Control); should it fail to arrive, the visitor never knows.
  import('./insight.ts').then(
    (chunk) => chunk.watchFunnel(relay, definition, model, container),
    () => {},
  );
  return () => render(null, container);
}

const isDone = (status: Status) => status === 'success' || status === 'offline';

/** The message for a broken rule: the field's own wording first, its bounds filled in. */
export function messageOf(field: FieldDefinition, code: RuleCode, t: Catalogue, locale: string): string {
  return format(localize(field.messages?.[code], locale) ?? t[code], ruleParams(field));
}

/** `meta.phoneCountries`: the country chosen for each phone field that is shown and filled in. */
function phoneCountries(model: FormModel): Pick<SubmissionMeta, 'phoneCountries'> {
  const { phoneCountries: chosen, values } = model.get();
  const shown = model.shown();
  const entries = Object.entries(chosen).filter(([name]) => shown.has(name) && values[name] !== undefined && values[name] !== '');
  return entries.length ? { phoneCountries: Object.fromEntries(entries) } : {};
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
    // URL parameters are text: `?seats=25`, `?topics=crm,api`, `?market=de` say a number, a list, a code.
    if (typeof value === 'string') {
      // The rare field types' chunk brings the number's reader with its renderer (fields/rare.ts).
      if (field.type === 'number' && textParsers.number) value = textParsers.number(value, 'en');
      else if (field.type === 'checkboxes') value = value.split(',');
      else if (field.type === 'country') value = value.toUpperCase();
    }
    // Nobody can correct a hidden field: a URL value that breaks its rules gives way to its own.
    if (field.type === 'hidden' && fieldIssue(field, value)) value = field.value ?? '';
    if (value === undefined || value === null) continue;
    // A choice the field does not offer, or a value of the wrong kind, is left out rather than shown as an error.
    const code = fieldIssue(field, value);
    if (code === 'invalid_option' || code === 'invalid_country' || code === 'invalid_type' || code === 'invalid_number') continue;
    values[field.name] = value;
  }
  return values;
}
