// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { FormDefinition } from '../../src/schema/form.ts';
import { conditionalVisibility } from './conditions.ts';
import type { LeadFormEventDetail } from './events.ts';
import { mountForm } from './Form.tsx';
import en from './locales/en.ts';
import { createSteps, draftKey } from './steps.tsx';

const definition: FormDefinition = {
  id: 'quote',
  fields: [
    { name: 'email', type: 'email', label: 'Email', required: true },
    { name: 'consent', type: 'consent', label: 'I agree', required: true },
    { name: 'size', type: 'radio', label: 'Size', required: true, options: [{ value: 'small' }, { value: 'large' }] },
    { name: 'budget', type: 'number', label: 'Budget', required: true, when: { field: 'size', is: 'large' } },
    { name: 'source', type: 'hidden', value: 'web' },
  ],
  steps: [
    { id: 'you', title: 'About you', fields: ['email', 'consent'] },
    { id: 'company', fields: ['size', 'budget'] },
  ],
};

function mount() {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const events: LeadFormEventDetail['step'][] = [];
  const unmount = mountForm(root, {
    definition,
    relay: 'http://relay.test',
    locale: 'en',
    t: en,
    prefill: {},
    attribution: () => undefined,
    emit: (name, detail) => name === 'step' && events.push(detail as LeadFormEventDetail['step']),
    visibility: conditionalVisibility(definition),
    steps: createSteps,
  });
  const $ = <E extends Element>(selector: string) => root.querySelector<E>(selector);
  const type = (selector: string, value: string) => {
    const input = $<HTMLInputElement>(selector)!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const tick = (selector: string) => {
    const input = $<HTMLInputElement>(selector)!;
    input.checked = true;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const submit = () => $('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  return { root, $, type, tick, submit, events, unmount };
}

describe('a form with steps', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '');
    document.body.innerHTML = '';
  });

  it('shows one step at a time under its progress; Next checks only that step, then moves on and focuses the new heading', async () => {
    const form = mount();
    await Promise.resolve();
    expect(form.$('.lf-progress')!.textContent).toBe('Step 1 of 2');
    expect(form.$('[role=progressbar]')!.getAttribute('aria-valuetext')).toBe('Step 1 of 2');
    expect(form.$('h3')!.textContent).toBe('About you');
    expect(form.$('h3')!.getAttribute('aria-describedby')).toBe('lf-quote-progress');
    expect(form.$('button[type=submit]')!.textContent).toBe(en.next);
    expect(form.$('#lf-quote-size')).toBeNull();

    form.submit();
    expect(form.$('#lf-quote-email-error')!.textContent).toBe(en.required);
    // The second step's fields are not checked yet.
    expect(form.$('.lf-progress')!.textContent).toBe('Step 1 of 2');

    form.type('#lf-quote-email', 'ada@example.com');
    form.tick('#lf-quote-consent');
    form.submit();
    expect(form.$('.lf-progress')!.textContent).toBe('Step 2 of 2');
    // A step without a title is named by its progress.
    expect(form.$('h3')!.textContent).toBe('Step 2 of 2');
    expect(form.root.activeElement).toBe(form.$('h3'));
    expect(form.$('button[type=submit]')!.textContent).toBe(en.submit);
    expect(form.$('button.back')!.textContent).toBe(en.back);
    expect(history.state).toEqual({ leadform: { quote: 1 } });
    expect(form.events.map((event) => [event.step, event.index, event.total])).toEqual([
      ['you', 0, 2],
      ['company', 1, 2],
    ]);
  });

  it('shows a field once its condition holds and never sends one that is hidden', async () => {
    const form = mount();
    form.type('#lf-quote-email', 'ada@example.com');
    form.tick('#lf-quote-consent');
    form.submit();
    expect(form.$('#lf-quote-budget')).toBeNull();
    form.tick('#lf-quote-size-1');
    expect(form.$('#lf-quote-budget')).not.toBeNull();
    form.type('#lf-quote-budget', '5000');
    form.tick('#lf-quote-size');
    expect(form.$('#lf-quote-budget')).toBeNull();
  });

  it('keeps the values (not consent) in sessionStorage for a reload, and the history entry’s step', () => {
    const first = mount();
    first.type('#lf-quote-email', 'ada@example.com');
    first.tick('#lf-quote-consent');
    first.submit();
    first.tick('#lf-quote-size-1');
    expect(JSON.parse(sessionStorage.getItem(draftKey('quote'))!)).toEqual({ values: { email: 'ada@example.com', size: 'large' }, phoneCountries: {} });
    first.unmount();

    const reloaded = mount();
    expect(reloaded.$('.lf-progress')!.textContent).toBe('Step 2 of 2');
    expect(reloaded.$<HTMLInputElement>('#lf-quote-size-1')!.checked).toBe(true);
  });

  it('moves with the browser’s Back and Forward', () => {
    const form = mount();
    form.type('#lf-quote-email', 'ada@example.com');
    form.tick('#lf-quote-consent');
    form.submit();
    history.replaceState(null, '');
    window.dispatchEvent(new PopStateEvent('popstate', { state: null }));
    expect(form.$('.lf-progress')!.textContent).toBe('Step 1 of 2');
    expect(form.$<HTMLInputElement>('#lf-quote-email')!.value).toBe('ada@example.com');
    history.replaceState({ leadform: { quote: 1 } }, '');
    window.dispatchEvent(new PopStateEvent('popstate', { state: history.state }));
    expect(form.$('.lf-progress')!.textContent).toBe('Step 2 of 2');
  });

  it('sends from the last step only when every shown step is valid, else goes straight to the first field in error', () => {
    sessionStorage.setItem(draftKey('quote'), JSON.stringify({ values: { size: 'small' }, phoneCountries: {} }));
    history.replaceState({ leadform: { quote: 1 } }, '');
    const form = mount();
    expect(form.$('.lf-progress')!.textContent).toBe('Step 2 of 2');
    form.submit();
    expect(form.$('.lf-progress')!.textContent).toBe('Step 1 of 2');
    expect(form.root.activeElement).toBe(form.$('#lf-quote-email'));
    expect(form.$('[role=status] p')!.textContent).toBe(en.errors_summary);
    // The summary links the field in error, on the first step.
    expect(form.$('[role=status] a')!.getAttribute('href')).toBe('#lf-quote-email');
    // Straight there: the history entry is left alone.
    expect(history.state).toEqual({ leadform: { quote: 1 } });
  });
});
