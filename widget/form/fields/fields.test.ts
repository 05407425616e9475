// @vitest-environment happy-dom
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../../src/schema/field.ts';
import type { FieldDefinition } from '../../../src/schema/form.ts';
import en from '../locales/en.ts';
import { createFormModel } from '../state.ts';
import { rendererFor } from './index.ts';
import type { FieldProps } from './shared.tsx';

/** Renders one field into a fresh element, recording what it reports. */
function show(field: FieldDefinition, props: Partial<FieldProps> = {}) {
  const inputs: (FieldValue | undefined)[] = [];
  let blurs = 0;
  const root = document.createElement('div');
  document.body.append(root);
  render(
    rendererFor(field)({
      field,
      id: `lf-${field.name}`,
      value: undefined,
      text: undefined,
      error: undefined,
      locale: 'en',
      t: en,
      model: createFormModel({ id: 'f', fields: [field] }, {}),
      onInput: (value) => inputs.push(value),
      onBlur: () => blurs++,
      ...props,
    }),
    root,
  );
  return { root, inputs, blurs: () => blurs };
}

const fire = (element: Element | null, type: string) => element!.dispatchEvent(new Event(type, { bubbles: true }));

describe('field renderers', () => {
  it('text, email and tel: a labelled input of the right type and autocomplete, reporting each keystroke and the blur', () => {
    const field: FieldDefinition = { name: 'email', type: 'email', label: { en: 'Email', de: 'E-Mail' }, required: true, maxLength: 80 };
    const { root, inputs, blurs } = show(field, { value: 'a@' });
    const input = root.querySelector('input')!;
    expect(root.querySelector('label')!.getAttribute('for')).toBe('lf-email');
    expect(root.querySelector('label')!.textContent).toBe('Email *');
    expect([input.type, input.autocomplete, input.maxLength, input.value]).toEqual(['email', 'email', 80, 'a@']);
    expect(input.getAttribute('aria-required')).toBe('true');
    input.value = 'a@example.com';
    fire(input, 'input');
    fire(input, 'blur');
    expect(inputs).toEqual(['a@example.com']);
    expect(blurs()).toBe(1);
    expect(show({ name: 'phone', type: 'tel' }).root.querySelector('input')!.type).toBe('tel');
    expect(show({ name: 'city', type: 'text', autocomplete: 'address-level2' }).root.querySelector('input')!.autocomplete).toBe('address-level2');
  });

  it('ties the hint and the error to the control with aria-describedby and marks it invalid only with an error', () => {
    const field: FieldDefinition = { name: 'name', type: 'text', hint: 'As on your passport' };
    const calm = show(field).root.querySelector('input')!;
    expect(calm.getAttribute('aria-describedby')).toBe('lf-name-hint');
    expect(calm.hasAttribute('aria-invalid')).toBe(false);
    const { root } = show(field, { error: 'Please fill in this field.' });
    const input = root.querySelector('input')!;
    expect(input.getAttribute('aria-describedby')).toBe('lf-name-hint lf-name-error');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('#lf-name-error')!.textContent).toBe('Please fill in this field.');
  });

  it('textarea: keeps its maximum length and placeholder in the visitor’s language', () => {
    const { root, inputs } = show({ name: 'message', type: 'textarea', maxLength: 500, placeholder: { en: 'Tell us', de: 'Erzählen' } });
    const area = root.querySelector('textarea')!;
    expect([area.maxLength, area.placeholder]).toEqual([500, 'Tell us']);
    area.value = 'Hello';
    fire(area, 'input');
    expect(inputs).toEqual(['Hello']);
  });

  it('select: an empty first choice, then the options with their labels; a change reports the value', () => {
    const field: FieldDefinition = { name: 'plan', type: 'select', options: [{ value: 'starter', label: 'Starter' }, { value: 'growth' }] };
    const { root, inputs } = show(field, { value: 'growth' });
    const select = root.querySelector('select')!;
    expect([...select.options].map((option) => [option.value, option.textContent])).toEqual([
      ['', '—'],
      ['starter', 'Starter'],
      ['growth', 'growth'],
    ]);
    expect(select.value).toBe('growth');
    select.value = 'starter';
    fire(select, 'change');
    expect(inputs).toEqual(['starter']);
  });

  it('radio: a fieldset whose legend is the label, the first button carrying the field id, required on the buttons', () => {
    const field: FieldDefinition = { name: 'size', type: 'radio', required: true, options: [{ value: 'small' }, { value: 'large', label: 'Large' }] };
    const { root, inputs } = show(field, { value: 'large' });
    expect(root.querySelector('legend')!.textContent).toBe('size *');
    const buttons = [...root.querySelectorAll('input')];
    expect(buttons.map((button) => [button.id, button.name, button.checked, button.required])).toEqual([
      ['lf-size', 'size', false, true],
      ['lf-size-1', 'size', true, true],
    ]);
    expect(buttons[0]!.hasAttribute('aria-required')).toBe(false);
    fire(buttons[0]!, 'change');
    expect(inputs).toEqual(['small']);
  });

  it('checkbox and consent: a box reporting true or false; consent links its policy', () => {
    const box = show({ name: 'news', type: 'checkbox' }, { value: true });
    const input = box.root.querySelector('input')!;
    expect(input.checked).toBe(true);
    input.checked = false;
    fire(input, 'change');
    expect(box.inputs).toEqual([false]);
    expect(box.root.querySelector('a')).toBeNull();
    const consent = show({ name: 'consent', type: 'consent', required: true, policyUrl: 'https://example.com/privacy' });
    const link = consent.root.querySelector('a')!;
    expect([link.getAttribute('href'), link.textContent, link.rel]).toEqual(['https://example.com/privacy', en.policy, 'noopener']);
  });

  it('hidden: renders nothing', () => {
    expect(show({ name: 'source', type: 'hidden', value: 'web' }).root.innerHTML).toBe('');
  });
});
