import { describe, expect, it } from 'vitest';
import { fieldIssue } from './field.ts';
import type { FieldDefinition } from './form.ts';

describe('fieldIssue for boxes', () => {
  const consent: FieldDefinition = { name: 'agree', type: 'consent', required: true };
  const news: FieldDefinition = { name: 'news', type: 'checkbox' };

  it('wants a required box ticked, and says "required" when it is not', () => {
    expect(fieldIssue(consent, true)).toBeUndefined();
    expect(fieldIssue(consent, false)).toBe('required');
    expect(fieldIssue(consent, undefined)).toBe('required');
  });

  it('refuses a value that is not a box at all as the wrong type', () => {
    expect(fieldIssue(consent, 'yes')).toBe('invalid_type');
    expect(fieldIssue(news, 'yes')).toBe('invalid_type');
  });

  it('lets an optional box be ticked, unticked or absent', () => {
    expect(fieldIssue(news, true)).toBeUndefined();
    expect(fieldIssue(news, false)).toBeUndefined();
    expect(fieldIssue(news, undefined)).toBeUndefined();
  });
});
