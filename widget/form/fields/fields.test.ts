// @vitest-environment happy-dom
import { render } from '../dom.ts';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../../src/schema/field.ts';
import type { FieldDefinition } from '../../../src/schema/form.ts';
import en from '../locales/en.ts';
import { createFormModel } from '../state.ts';
import { rendererFor } from './index.ts';
import { parseNumber } from './number.tsx';
import { registerRareRenderers } from './rare.ts';
import type { FieldProps } from './shared.tsx';
import { withScheme } from './url.tsx';

// The form downloads these renderers as a chunk before it mounts a form using them (index.tsx, loadEngine).
registerRareRenderers();

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

  it('radio: a radiogroup fieldset whose legend is the label, saying required itself, the first button carrying the field id', () => {
    const field: FieldDefinition = { name: 'size', type: 'radio', required: true, options: [{ value: 'small' }, { value: 'large', label: 'Large' }] };
    const { root, inputs } = show(field, { value: 'large' });
    expect(root.querySelector('legend')!.textContent).toBe('size *');
    const buttons = [...root.querySelectorAll('input')];
    expect(buttons.map((button) => [button.id, button.name, button.checked, button.required])).toEqual([
      ['lf-size', 'size', false, false],
      ['lf-size-1', 'size', true, false],
    ]);
    // The group says required; `required` on the buttons would make them natively invalid before any interaction.
    const group = root.querySelector('fieldset')!;
    expect([group.getAttribute('role'), group.getAttribute('aria-required'), group.hasAttribute('aria-invalid')]).toEqual(['radiogroup', 'true', false]);
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

describe('renderers of the form engine’s field types', () => {
  it('checkboxes: a box per option under a legend; the value lists the ticked ones in the options’ order, none ticked being no value', () => {
    const field: FieldDefinition = {
      name: 'needs',
      type: 'checkboxes',
      label: 'Needs',
      options: [{ value: 'crm' }, { value: 'forms', label: 'Forms' }, { value: 'ads' }],
    };
    const { root, inputs } = show(field, { value: ['ads'] });
    const boxes = [...root.querySelectorAll('input')];
    expect(root.querySelector('legend')!.textContent).toBe('Needs');
    expect(boxes.map((box) => [box.id, box.type, box.checked])).toEqual([
      ['lf-needs', 'checkbox', false],
      ['lf-needs-1', 'checkbox', false],
      ['lf-needs-2', 'checkbox', true],
    ]);
    boxes[0]!.checked = true;
    fire(boxes[0]!, 'change');
    boxes[2]!.checked = false;
    fire(boxes[2]!, 'change');
    expect(inputs).toEqual([['crm', 'ads'], undefined]);
  });

  it('number: a decimal keypad; the text read as people write numbers in the form’s language, kept as text when it is none', () => {
    const field: FieldDefinition = { name: 'budget', type: 'number', min: 100 };
    const { root, inputs } = show(field, { value: 1500 });
    const input = root.querySelector('input')!;
    expect([input.type, input.inputMode, input.value]).toEqual(['text', 'decimal', '1500']);
    input.value = '1,500.5';
    fire(input, 'input');
    expect(inputs).toEqual([1500.5]);
    expect(parseNumber('1.500,5', 'de')).toBe(1500.5);
    expect(parseNumber('2,5', 'de-AT')).toBe(2.5);
    expect(parseNumber(' 12 000 ', 'fr')).toBe(12000);
    expect(parseNumber('-3e2', 'en')).toBe(-300);
    expect(parseNumber('lots', 'en')).toBe('lots');
    expect(parseNumber('  ', 'en')).toBeUndefined();
    // What the visitor typed stays on screen while it is not yet a number ("1." on the way to "1.5").
    expect(show(field, { value: 1, text: '1.' }).root.querySelector('input')!.value).toBe('1.');
  });

  it('date: the browser’s date input bounded by min and max; cleared is no value', () => {
    const { root, inputs } = show({ name: 'start', type: 'date', min: '2026-01-01', max: '2026-12-31' }, { value: '2026-03-04' });
    const input = root.querySelector('input')!;
    expect([input.type, input.min, input.max, input.value]).toEqual(['date', '2026-01-01', '2026-12-31', '2026-03-04']);
    input.value = '';
    fire(input, 'input');
    expect(inputs).toEqual([undefined]);
  });

  it('url: a bare host name gets https:// when the visitor leaves the field; anything else is left as typed', () => {
    const { root, inputs, blurs } = show({ name: 'site', type: 'url' }, { value: 'example.com/about' });
    const input = root.querySelector('input')!;
    expect([input.type, input.autocomplete]).toEqual(['url', 'url']);
    fire(input, 'blur');
    expect(inputs).toEqual(['https://example.com/about']);
    expect(blurs()).toBe(1);
    expect(withScheme('http://example.com')).toBe('http://example.com');
    expect(withScheme('not a site')).toBe('not a site');
  });

  it('country: every country named in the form’s language and sorted in its order, or only the options; labelled "Country" by default', () => {
    const german = show({ name: 'country', type: 'country' }, { locale: 'de', value: 'AT' });
    const select = german.root.querySelector('select')!;
    const names = [...select.options].map((option) => option.textContent);
    expect(select.options.length).toBe(250);
    expect(select.value).toBe('AT');
    expect(names.indexOf('Österreich')).toBeGreaterThan(names.indexOf('Norwegen'));
    expect(names.indexOf('Österreich')).toBeLessThan(names.indexOf('Polen'));
    expect(german.root.querySelector('label')!.textContent).toBe(en.country);
    expect(select.getAttribute('autocomplete')).toBe('country');
    const narrowed = show({ name: 'country', type: 'country', options: [{ value: 'FR' }, { value: 'DE', label: 'Deutschland' }] });
    expect([...narrowed.root.querySelectorAll('option')].map((option) => [option.value, option.textContent])).toEqual([
      ['', '—'],
      ['FR', 'France'],
      ['DE', 'Deutschland'],
    ]);
  });
});
