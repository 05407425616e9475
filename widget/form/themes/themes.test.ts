import { describe, expect, it } from 'vitest';
import { FormDefinition } from '../../../src/schema/form.ts';
import minimal from './minimal.ts';
import rounded from './rounded.ts';

const form = (theme: unknown) => FormDefinition.safeParse({ id: 'contact', fields: [{ name: 'email', type: 'email' }], theme });

describe('theme.preset', () => {
  it('accepts the built-in presets beside the other theme values', () => {
    expect(form({ preset: 'minimal' }).success).toBe(true);
    expect(form({ preset: 'rounded', colorPrimary: '#0f766e' }).success).toBe(true);
  });

  it('refuses a preset that does not exist, naming the key', () => {
    const result = form({ preset: 'fancy' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['theme.preset']);
  });

  it('each preset only restyles: no host selectors, no imports, nothing outside the form', () => {
    for (const css of [minimal, rounded]) {
      expect(css).not.toMatch(/:host|@import|url\(/);
      expect(css.split('{').length).toBe(css.split('}').length);
    }
  });
});
