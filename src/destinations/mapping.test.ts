import { expect, it } from 'vitest';
import { formEngineLead, sampleLead } from './contract.ts';
import { leadNote, mapLead, mapLeadTyped, mergeMapping, sourceValue, splitName, typedSourceValue } from './mapping.ts';

it('reads fields, both touches, the latest-else-first touch and lead metadata', () => {
  const lead = sampleLead();
  expect(sourceValue(lead, 'company')).toBe('Analytical Engines Ltd');
  expect(sourceValue(lead, 'attribution.utm_source')).toBe('google');
  expect(sourceValue(lead, 'attribution.first.utm_source')).toBe('newsletter');
  expect(sourceValue(lead, 'attribution.landing_page')).toBe('https://www.example.com/pricing');
  expect(sourceValue(lead, 'attribution.touches')).toBe('2');
  expect(sourceValue(lead, 'lead.id')).toBe(lead.id);
  expect(sourceValue(lead, 'lead.fields')).toBeUndefined();
  expect(sourceValue({ ...lead, attribution: undefined }, 'attribution.utm_source')).toBeUndefined();
});

it('lays the form mapping over the defaults; an empty target drops one; the first source with a value wins a target', () => {
  const lead = sampleLead({ fields: { email: 'a@example.com', mobile: '+1 555 0100' } });
  const mapping = mergeMapping({ email: 'EMAIL', phone: 'PHONE', mobile: 'PHONE', company: 'COMPANY' }, { email: '', company: 'UF_COMPANY' });
  expect(Object.fromEntries(mapLead(lead, mapping))).toEqual({ PHONE: '+1 555 0100' });
});

it('splits names and writes a note that ends with the submission marker', () => {
  expect(splitName('Ada')).toEqual({ first: 'Ada' });
  expect(splitName('  Ada  King Lovelace ')).toEqual({ first: 'Ada', last: 'King Lovelace' });
  const lead = sampleLead();
  const note = leadNote(lead, new Set(['email']));
  expect(note.startsWith('Please call me about the pilot.')).toBe(true);
  expect(note).toContain('company: Analytical Engines Ltd');
  expect(note).not.toContain(`email: ${lead.fields.email}`);
  expect(note).toContain('Last touch: utm_source=google, utm_medium=cpc');
  expect(note.endsWith(`leadform submission ${lead.id}`)).toBe(true);
});

it('gives a number and a list in their types where a vendor field takes them, and as text elsewhere', () => {
  const lead = formEngineLead();
  expect(typedSourceValue(lead, 'seats')).toBe(25);
  expect(typedSourceValue(lead, 'topics')).toEqual(['crm', 'api']);
  expect(typedSourceValue(lead, 'attribution.touches')).toBe('2');
  expect(typedSourceValue({ ...lead, fields: { ...lead.fields, topics: [] } }, 'topics')).toBeUndefined();
  expect(sourceValue(lead, 'topics')).toBe('crm, api');
  expect(sourceValue(lead, 'seats')).toBe('25');
  expect(mapLeadTyped(lead, { seats: 'cf_seats', topics: 'cf_topics', start: 'cf_start' })).toEqual(
    new Map<string, unknown>([
      ['cf_seats', 25],
      ['cf_topics', ['crm', 'api']],
      ['cf_start', '2026-03-01'],
    ]),
  );
});

it('writes a list into the note readably, and a phone the relay rewrote with what the visitor typed', () => {
  const note = leadNote(formEngineLead());
  expect(note).toContain('topics: crm, api');
  expect(note).toContain('phone: +442079460123 (typed "020 7946 0123")');
  expect(leadNote(sampleLead())).not.toContain('typed');
});
