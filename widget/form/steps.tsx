/**
 * The steps chunk, for forms with `steps` (and, for the conditions it carries, forms with a `when`): the progress ("Step 2 of 3" and a bar) and the step's
 * heading, where focus goes on each move so a screen reader reads where the visitor is; the
 * browser's Back and Forward buttons move between steps (one history entry per Next); the values
 * survive a reload (sessionStorage, keyed by form id, cleared once the lead is stored); the box
 * eases to each step's height; a `leadform:step` event (and a dataLayer push) per step shown.
 */
/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
// biome-ignore lint/correctness/noUnusedImports: the classic JSX pragma above compiles to h and Fragment
import { Fragment, h } from './dom.ts';
import { format, localize } from '../../src/schema/wording.ts';
import type { StepMove, StepsContext, StepsPart } from './Form.tsx';
import type { Snapshot } from './state.ts';

// One chunk for steps and conditions (see loadEngine in index.tsx): a form with either downloads both.
export { conditionalVisibility } from './conditions.ts';

/** The progress line, its bar and the Back button. */
export const STEPS_CSS = `.lf-progress{font-size:.875em;margin:0 0 4px}.lf-bar{block-size:6px;background:#e5e7eb;margin:0 0 var(--_s)}.lf-bar>span{display:block;block-size:100%;background:var(--_p)}h3{margin:0 0 var(--_s)}.back{background:#fff;color:var(--_p)}`;

/** The sessionStorage key of a form's unsent values. */
export const draftKey = (formId: string) => `leadform:draft:${formId}`;

interface Draft {
  values: Snapshot['values'];
  phoneCountries: Snapshot['phoneCountries'];
}

/** The step index the current history entry records for `formId`, if any. */
const stepInHistory = (formId: string): number | undefined => {
  const step = (history.state as { leadform?: Record<string, unknown> } | null)?.leadform?.[formId];
  return typeof step === 'number' ? step : undefined;
};

// sessionStorage may be missing or refuse access (sandboxed iframes, some private modes).
const storage = (): Storage | undefined => {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
};

export function createSteps({ definition, model, ids, t, locale, emit, container }: StepsContext): StepsPart {
  const formId = definition.id;
  const key = draftKey(formId);
  // Consent is the visitor's own act each time, and hidden fields come from the page: neither is kept.
  const kept = new Set(definition.fields.filter((field) => field.type !== 'consent' && field.type !== 'hidden').map((field) => field.name));

  try {
    const draft = JSON.parse(storage()?.getItem(key) ?? 'null') as Draft | null;
    // Only what this form saved (no consent, no hidden field): the visitor's own typing wins over prefill.
    if (draft) model.update({ values: { ...model.get().values, ...draft.values }, phoneCountries: draft.phoneCountries });
  } catch {
    // A draft that does not parse is dropped: the visitor starts again.
  }
  model.update({ step: stepInHistory(formId) ?? 0 });

  model.subscribe(({ values, phoneCountries, status }) => {
    try {
      if (status === 'success' || status === 'offline') return storage()?.removeItem(key);
      const draft: Draft = { values: Object.fromEntries(Object.entries(values).filter(([name]) => kept.has(name))), phoneCountries };
      storage()?.setItem(key, JSON.stringify(draft));
    } catch {
      // A full or refused storage costs the reload its values, never the form.
    }
  });

  const announce = () => {
    const steps = model.steps();
    const index = model.get().step;
    emit('step', { formId, step: steps[index]!.id, index, total: steps.length });
  };
  // After the form's ready event, which the caller emits once the form has rendered.
  queueMicrotask(announce);

  const go = (to: number, how: StepMove) => {
    const from = model.get().step;
    // A history entry of a step no longer shown lands on the last one shown (the model keeps the index in range).
    if (to === from) return;
    // The form's Back is the browser's when the entry is one of this form's Next: then both agree.
    if (how === 'back' && stepInHistory(formId) === from) return history.back();
    const box = container.querySelector<HTMLElement>('form');
    const before = box?.offsetHeight ?? 0;
    model.update({ step: to, status: 'idle' });
    if (how === 'next') {
      const state = (history.state ?? {}) as { leadform?: Record<string, number> };
      history.pushState({ ...state, leadform: { ...state.leadform, [formId]: to } }, '');
    }
    const after = box?.offsetHeight ?? 0;
    if (box && before && before !== after && !matchMedia('(prefers-reduced-motion: reduce)').matches) {
      box.animate(
        [
          { height: `${before}px`, overflow: 'hidden' },
          { height: `${after}px`, overflow: 'hidden' },
        ],
        { duration: 200, easing: 'ease-out' },
      );
    }
    container.querySelector<HTMLElement>(`#${ids}-step`)?.focus();
    announce();
  };

  addEventListener('popstate', () => {
    const { status } = model.get();
    if (status !== 'success' && status !== 'offline' && status !== 'sending') go(stepInHistory(formId) ?? 0, 'history');
  });

  return {
    go,
    header() {
      const steps = model.steps();
      const index = model.get().step;
      const total = steps.length;
      const progress = format(t.step_progress, { step: index + 1, total });
      const title = localize(steps[index]!.title, locale);
      return (
        <>
          <p class="lf-progress" id={`${ids}-progress`}>
            {progress}
          </p>
          <div
            class="lf-bar"
            role="progressbar"
            aria-labelledby={`${ids}-progress`}
            aria-valuemin={1}
            aria-valuemax={total}
            aria-valuenow={index + 1}
            aria-valuetext={progress}
          >
            <span style={{ inlineSize: `${((index + 1) / total) * 100}%` }} />
          </div>
          {/* Focus comes here on each move: its name says where the visitor is, the progress how far. */}
          <h3 id={`${ids}-step`} tabIndex={-1} aria-describedby={title ? `${ids}-progress` : undefined}>
            {title ?? progress}
          </h3>
        </>
      );
    },
  };
}
