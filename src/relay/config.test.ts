import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESTINATION_TYPES } from '../destinations/index.ts';
import { parseConfig, publicDefinition } from './config.ts';

const demo = JSON.parse(readFileSync(new URL('../../leadform.config.json', import.meta.url), 'utf8'));

describe('parseConfig', () => {
  it('accepts the demo configuration and fills the defaults', () => {
    const result = parseConfig(demo, DESTINATION_TYPES);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.forms.contact?.allowedOrigins).toEqual(['self']);
    expect(result.config.delivery.maxAttempts).toBe(10);
    expect(result.config.forms.contact?.fields.map((f) => [f.name, f.required ?? false])).toEqual([
      ['name', true],
      ['email', true],
      ['company', false],
      ['message', false],
    ]);
  });

  it('names the key and the fix for each problem', () => {
    const result = parseConfig(
      {
        forms: {
          a: {
            fields: [
              { name: 'x', type: 'select' },
              { name: 'x', type: 'text', pattern: '(' },
            ],
            destination: 'crm',
            allowedOrigins: ['https://example.com/path'],
          },
        },
        destinations: { sandbox: { type: 'sandbox' }, other: { type: 'hubspot' } },
      },
      DESTINATION_TYPES,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringMatching(/^forms\.a\.allowedOrigins\.0: an origin is "self", "\*" or scheme:\/\/host/),
    ]);
    const second = parseConfig({ ...demo, forms: { a: { fields: [{ name: 'x', type: 'select' }, { name: 'x', type: 'text', pattern: '(' }], destination: 'crm' } }, destinations: { other: { type: 'hubspot' } } }, DESTINATION_TYPES);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.problems).toEqual([
      'destinations.other.type: "hubspot" is not a destination type; use one of ' + DESTINATION_TYPES.join(', '),
      'forms.a.destination: "crm" is not declared; add it under "destinations" or use one of: other',
      'forms.a.fields.0.options: a select field needs options; add [{"value": "…", "label": "…"}]',
      'forms.a.fields.1.name: "x" is used twice; give each field its own name',
      expect.stringMatching(/^forms\.a\.fields\.1\.pattern: not a valid regular expression/),
    ]);
  });

  it('says which key is missing', () => {
    const result = parseConfig({ forms: { a: { destination: 'd' } }, destinations: {} });
    expect(!result.ok && result.problems).toEqual(['forms.a.fields: expected array, but it is missing; add it']);
  });
});

describe('publicDefinition', () => {
  it('never exposes origins, destination or mapping', () => {
    const result = parseConfig(demo, DESTINATION_TYPES);
    if (!result.ok) throw new Error('demo config must parse');
    const definition = publicDefinition('contact', result.config.forms.contact!);
    expect(definition.id).toBe('contact');
    expect(Object.keys(definition)).not.toContain('destination');
    expect(Object.keys(definition)).not.toContain('allowedOrigins');
    expect(Object.keys(definition)).not.toContain('mapping');
  });
});
