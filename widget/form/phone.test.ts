// @vitest-environment happy-dom
import { render } from './dom.ts';
import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../../src/schema/countries.ts';
import type { FieldValue } from '../../src/schema/field.ts';
import type { FieldDefinition } from '../../src/schema/form.ts';
import en from './locales/en.ts';
import { matchCountries, renderPhone } from './phone.tsx';
import { countryOfDial, DIAL_CODES, groupDigits, regionOf } from './phone-countries.ts';
import { createFormModel } from './state.ts';

describe('the phone chunk’s countries and grouping', () => {
  it('has a dial code for every country code, in step with the shared list', () => {
    expect(DIAL_CODES.size).toBe(COUNTRY_CODES.length);
    expect([...DIAL_CODES.values()].every((dial) => /^[1-9]\d{0,2}$/.test(dial))).toBe(true);
    expect(['DE', 'AT', 'US', 'CA', 'GB', 'FR', 'RU', 'BR', 'IN', 'ZW'].map((code) => DIAL_CODES.get(code))).toEqual([
      '49',
      '43',
      '1',
      '1',
      '44',
      '33',
      '7',
      '55',
      '91',
      '263',
    ]);
  });

  it('finds the country of a typed dial code, keeping the chosen one where several share it', () => {
    expect(countryOfDial('4930123', undefined)).toEqual({ code: 'DE', dial: '49' });
    expect(countryOfDial('1212555', undefined)).toEqual({ code: 'US', dial: '1' });
    expect(countryOfDial('1416555', 'CA')).toEqual({ code: 'CA', dial: '1' });
    expect(countryOfDial('7912', undefined)?.code).toBe('RU');
    expect(countryOfDial('35850', undefined)).toEqual({ code: 'FI', dial: '358' });
    expect(countryOfDial('', undefined)).toBeUndefined();
  });

  it('groups digits lightly, and leaves a number with other characters as the visitor wrote it', () => {
    expect(groupDigits('3012345678', '49')).toBe('301 234 5678');
    expect(groupDigits('030123456', '49')).toBe('030 123 456');
    expect(groupDigits('+4930123456', '49')).toBe('+49 301 234 56');
    expect(groupDigits('+44', '49')).toBe('+44');
    expect(groupDigits('(030) 12-34', '49')).toBe('(030) 12-34');
  });

  it('takes the region of the visitor’s language, else its likeliest', () => {
    expect(regionOf('de-AT')).toBe('AT');
    expect(regionOf('de')).toBe('DE');
    expect(regionOf('pt')).toBe('BR');
    expect(regionOf('not a locale')).toBeUndefined();
  });

  it('searches countries by name (without accents), code and dial code', () => {
    expect(matchCountries('austr', 'en').map(([code]) => code)).toEqual(['AU', 'AT']);
    expect(matchCountries('oster', 'de').map(([code]) => code)).toEqual(['AT']);
    expect(matchCountries('+43', 'en').map(([code]) => code)).toEqual(['AT']);
    expect(matchCountries('de', 'en')[0]![0]).toBe('DE');
    expect(matchCountries('', 'en')).toHaveLength(COUNTRY_CODES.length);
  });
});

describe('the phone field', () => {
  const field: FieldDefinition = { name: 'phone', type: 'tel', label: 'Phone', phone: { defaultCountry: 'DE' } };

  function mount(locale = 'en') {
    const model = createFormModel({ id: 'f', fields: [field] }, {});
    const inputs: (FieldValue | undefined)[] = [];
    const root = document.createElement('div');
    document.body.append(root);
    const paint = () =>
      render(
        renderPhone({
          field,
          id: 'lf-phone',
          value: model.get().values.phone,
          text: undefined,
          error: undefined,
          locale,
          t: en,
          model,
          onInput: (value) => {
            inputs.push(value);
            model.input(field, value);
          },
          onBlur: () => undefined,
        }),
        root,
      );
    model.subscribe(paint);
    paint();
    return { root, model, inputs, combo: () => root.querySelector<HTMLInputElement>('[role=combobox]')! };
  }
  const key = (element: Element, name: string) => element.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true }));

  it('starts at the field’s default country and names it to screen readers', () => {
    const { combo } = mount();
    expect(combo().value).toBe('DE +49');
    expect(combo().getAttribute('aria-label')).toBe('Country: Germany +49');
    expect(combo().getAttribute('aria-expanded')).toBe('false');
  });

  it('opens a list as the visitor searches; arrows move, Enter chooses, and the choice is what meta.phoneCountries sends', () => {
    const { root, model, combo } = mount();
    combo().value = 'austr';
    combo().dispatchEvent(new Event('input', { bubbles: true }));
    expect(combo().getAttribute('aria-expanded')).toBe('true');
    expect([...root.querySelectorAll('[role=option]')].map((option) => option.textContent)).toEqual(['+61 Australia', '+43 Austria']);
    expect(combo().getAttribute('aria-activedescendant')).toBe('lf-phone-countries-AU');
    key(combo(), 'ArrowDown');
    expect(combo().getAttribute('aria-activedescendant')).toBe('lf-phone-countries-AT');
    key(combo(), 'Enter');
    expect(root.querySelector('[role=listbox]')).toBeNull();
    expect(combo().value).toBe('AT +43');
    expect(model.get().phoneCountries).toEqual({ phone: 'AT' });
  });

  it('Escape closes the list and keeps the country', () => {
    const { root, model, combo } = mount();
    combo().value = 'fra';
    combo().dispatchEvent(new Event('input', { bubbles: true }));
    key(combo(), 'Escape');
    expect(root.querySelector('[role=listbox]')).toBeNull();
    expect(combo().value).toBe('DE +49');
    expect(model.get().phoneCountries).toEqual({});
  });

  it('groups the number as it is typed, and a typed +44 picks the United Kingdom', () => {
    const { root, model, inputs, combo } = mount();
    const number = root.querySelector<HTMLInputElement>('input[type=tel]')!;
    number.value = '3012345678';
    number.setSelectionRange(10, 10);
    number.dispatchEvent(new Event('input', { bubbles: true }));
    expect(inputs.at(-1)).toBe('301 234 5678');
    expect(model.get().phoneCountries).toEqual({ phone: 'DE' });
    number.value = '+447911123456';
    number.setSelectionRange(13, 13);
    number.dispatchEvent(new Event('input', { bubbles: true }));
    expect(inputs.at(-1)).toBe('+44 791 112 3456');
    expect(combo().value).toBe('GB +44');
  });
});
