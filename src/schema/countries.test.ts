import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, isCountryCode } from './countries.ts';

describe('COUNTRY_CODES', () => {
  it('holds the 249 ISO 3166-1 alpha-2 codes, each once, in alphabetical order, from AD to ZW', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect([...COUNTRY_CODES].sort()).toEqual(COUNTRY_CODES);
    expect(COUNTRY_CODES.every((code) => /^[A-Z]{2}$/.test(code))).toBe(true);
    expect([COUNTRY_CODES[0], COUNTRY_CODES.at(-1)]).toEqual(['AD', 'ZW']);
    expect(['DE', 'AT', 'US', 'GB', 'AX', 'SS', 'SX', 'BQ', 'EH'].every(isCountryCode)).toBe(true);
    expect(['XK', 'UK', 'EU', 'AA', 'de', 'ZZ'].some(isCountryCode)).toBe(false);
  });
});
