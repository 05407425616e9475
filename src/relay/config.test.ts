import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESTINATION_TYPES, destinationFactories } from '../destinations/index.ts';
import { formDestinations, mappingFor, parseConfig, publicDefinition, secretNames } from './config.ts';

const demo = JSON.parse(readFileSync(new URL('../../leadform.config.json', import.meta.url), 'utf8'));

describe('parseConfig', () => {
  it('accepts the demo configuration and fills the defaults', () => {
    const result = parseConfig(demo, DESTINATION_TYPES);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.forms.contact?.allowedOrigins).toEqual(['self']);
    expect(result.value.delivery.maxAttempts).toBe(10);
    expect(result.value.forms.contact?.fields.map((f) => [f.name, f.required ?? false])).toEqual([
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
    expect(result.problems).toEqual([expect.stringMatching(/^forms\.a\.allowedOrigins\.0: an origin is "self", "\*" or scheme:\/\/host/)]);
    const second = parseConfig(
      {
        ...demo,
        forms: {
          a: {
            fields: [
              { name: 'x', type: 'select' },
              { name: 'x', type: 'text', pattern: '(' },
            ],
            destination: 'crm',
          },
        },
        destinations: { other: { type: 'hubspot' } },
      },
      DESTINATION_TYPES,
    );
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.problems).toEqual([
      `destinations.other.type: "hubspot" is not a destination type; use one of ${DESTINATION_TYPES.join(', ')}`,
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

describe('a form with several destinations', () => {
  const fields = [{ name: 'email', type: 'email' }];
  const destinations = { crm: { type: 'sandbox' }, 'team-alert': { type: 'sandbox' }, hook: { type: 'sandbox' } };
  const problemsOf = (form: Record<string, unknown>) => {
    const result = parseConfig({ forms: { a: { fields, ...form } }, destinations }, DESTINATION_TYPES);
    return result.ok ? [] : result.problems;
  };

  it('takes "destinations", a list of declared names, and maps each by its name', () => {
    const result = parseConfig(
      { forms: { a: { fields, destinations: ['crm', 'team-alert'], mapping: { crm: { company: 'org_name' } } } }, destinations },
      DESTINATION_TYPES,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const form = result.value.forms.a!;
    expect(formDestinations(form)).toEqual(['crm', 'team-alert']);
    expect(mappingFor(form, 'crm')).toEqual({ company: 'org_name' });
    expect(mappingFor(form, 'team-alert')).toBeUndefined();
    expect(publicDefinition('a', form)).not.toHaveProperty('destinations');
  });

  it('keeps the single "destination" and its flat mapping as they were', () => {
    const result = parseConfig({ forms: { a: { fields, destination: 'crm', mapping: { company: 'org_name' } } }, destinations }, DESTINATION_TYPES);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(formDestinations(result.value.forms.a!)).toEqual(['crm']);
    expect(mappingFor(result.value.forms.a!, 'crm')).toEqual({ company: 'org_name' });
    expect(problemsOf({ destinations: ['crm'], mapping: { company: 'org_name' } })).toEqual([]);
    expect(problemsOf({ destination: 'crm', mapping: { crm: { company: 'org_name' } } })).toEqual([]);
  });

  it('names the key and the fix for each wrong list', () => {
    expect(problemsOf({ destination: 'crm', destinations: ['hook'] })).toEqual([
      'forms.a.destinations: given beside "destination"; keep one of the two ("destinations": [...] for several)',
    ]);
    expect(problemsOf({})).toEqual([
      'forms.a.destination: missing; name where the form\'s leads go, e.g. "destination": "crm", or list several in "destinations"',
    ]);
    expect(problemsOf({ destinations: [] })).toEqual(['forms.a.destinations: empty; list at least one of: crm, team-alert, hook']);
    expect(problemsOf({ destinations: ['crm', 'slack', 'crm'] })).toEqual([
      'forms.a.destinations.1: "slack" is not declared; add it under "destinations" or use one of: crm, team-alert, hook',
      'forms.a.destinations.2: "crm" is listed twice; list each destination once',
    ]);
  });

  it('names the key and the fix for a mapping that does not fit the destinations', () => {
    expect(problemsOf({ destinations: ['crm', 'hook'], mapping: { company: 'org_name' } })).toEqual([
      'forms.a.mapping: with several destinations, key the mapping by destination name, e.g. {"crm": {"company": …}}',
    ]);
    expect(problemsOf({ destinations: ['crm', 'hook'], mapping: { 'team-alert': { company: 'org_name' } } })).toEqual([
      'forms.a.mapping.team-alert: "team-alert" is not one of this form\'s destinations; key the mapping by one of: crm, hook',
    ]);
    expect(problemsOf({ destinations: ['crm', 'hook'], mapping: { crm: { company: 'org_name' }, name: 'person' } })).toEqual([
      'forms.a.mapping: mixes field names with destination names; use {"field": "vendor field"} for one destination, or {"crm": {"field": "vendor field"}} per destination',
    ]);
  });
});

describe('publicDefinition', () => {
  it('never exposes origins, destination or mapping', () => {
    const result = parseConfig(demo, DESTINATION_TYPES);
    if (!result.ok) throw new Error('demo config must parse');
    const definition = publicDefinition('contact', result.value.forms.contact!);
    expect(definition.id).toBe('contact');
    expect(Object.keys(definition)).not.toContain('destination');
    expect(Object.keys(definition)).not.toContain('allowedOrigins');
    expect(Object.keys(definition)).not.toContain('mapping');
  });

  it("gives a Turnstile form's public site key and never its secret's name", () => {
    const withChallenge = structuredClone(demo);
    withChallenge.forms.contact.turnstile = { siteKey: '1x00000000000000000000AA', secretEnv: 'TURNSTILE_SECRET_KEY' };
    const result = parseConfig(withChallenge, DESTINATION_TYPES);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const definition = publicDefinition('contact', result.value.forms.contact!);
    expect(definition.turnstile).toEqual({ siteKey: '1x00000000000000000000AA' });
    expect(JSON.stringify(definition)).not.toContain('TURNSTILE_SECRET_KEY');
  });
});

describe('parseConfig strictness and secrets', () => {
  it('names unknown keys at every level, with the key probably meant', () => {
    const typo = structuredClone(demo);
    typo.forms.contact.titel = 'Contact';
    typo.forms.contact.fields[0].requird = true;
    typo.delivery = { maxAttempt: 3 };
    typo.retention = { deliveredPayloadDay: 7 };
    const result = parseConfig(typo, DESTINATION_TYPES);
    expect(!result.ok && result.problems).toEqual([
      'forms.contact.fields.0: unknown key(s) "requird" (did you mean "required"?); remove them or check their spelling',
      'forms.contact: unknown key(s) "titel" (did you mean "title"?); remove them or check their spelling',
      'delivery: unknown key(s) "maxAttempt" (did you mean "maxAttempts"?); remove them or check their spelling',
      'retention: unknown key(s) "deliveredPayloadDay" (did you mean "deliveredPayloadDays"?); remove them or check their spelling',
    ]);
  });

  it('refuses a secret written inline and asks for an environment variable', () => {
    const result = parseConfig({ ...demo, destinations: { ...demo.destinations, crm: { type: 'sandbox', apiToken: 'abc123' } } }, DESTINATION_TYPES);
    expect(!result.ok && result.problems).toEqual([
      'destinations.crm.apiToken: secrets are never written in the file; put the value in an environment variable and name it with "apiTokenEnv"',
    ]);
  });

  it('checks at start-up that every named secret is set', () => {
    const withSecrets = {
      ...demo,
      forms: { ...demo.forms, guarded: { ...demo.forms.contact, turnstile: { siteKey: 'site', secretEnv: 'TURNSTILE_SECRET_KEY' } } },
      destinations: { ...demo.destinations, crm: { type: 'pipedrive', apiTokenEnv: 'CRM_TOKEN' } },
    };
    const missing = parseConfig(withSecrets, destinationFactories, {});
    expect(!missing.ok && missing.problems).toEqual([
      'destinations.crm.apiTokenEnv: the environment variable CRM_TOKEN is not set; set it to the secret before starting the relay',
      'forms.guarded.turnstile.secretEnv: the environment variable TURNSTILE_SECRET_KEY is not set; set it to the Turnstile secret key before starting the relay',
    ]);
    const present = parseConfig(withSecrets, destinationFactories, { CRM_TOKEN: 't', TURNSTILE_SECRET_KEY: 's' });
    expect(present.ok).toBe(true);
    if (present.ok) expect(secretNames(present.value, destinationFactories).sort()).toEqual(['CRM_TOKEN', 'TURNSTILE_SECRET_KEY']);
  });

  it('takes the secrets from what each adapter declares, not from how an option is spelt', () => {
    const config = {
      ...demo,
      destinations: {
        ...demo.destinations,
        // The sandbox declares no secret: an option that merely ends in "Env" names none.
        inbox: { type: 'sandbox', apiTokenEnv: 'UNSET_TOKEN' },
        crm: { type: 'pipedrive', apiTokenEnv: 'not a name' },
        // Bitrix24 declares webhookUrlEnv, so its URL written inline is a secret in the file.
        portal: { type: 'bitrix24', webhookUrl: 'https://acme.bitrix24.com/rest/1/code/' },
      },
    };
    const result = parseConfig(config, destinationFactories, {});
    expect(!result.ok && result.problems).toEqual([
      'destinations.crm.apiTokenEnv: expected the name of an environment variable, e.g. "CRM_API_TOKEN"',
      'destinations.portal.webhookUrl: secrets are never written in the file; put the value in an environment variable and name it with "webhookUrlEnv"',
    ]);
    const inboxOnly = { ...demo, destinations: { ...demo.destinations, inbox: { type: 'sandbox', apiTokenEnv: 'UNSET_TOKEN' } } };
    const parsed = parseConfig(inboxOnly, destinationFactories, {});
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(secretNames(parsed.value, destinationFactories)).toEqual([]);
  });

  it('fills limits and retention defaults', () => {
    const result = parseConfig(demo, DESTINATION_TYPES);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.value.limits.perForm).toEqual({ requests: 600, perSeconds: 60 });
    expect(result.value.limits.maxBodyBytes).toBe(65_536);
    expect(result.value.retention.deliveredPayloadDays).toBe(30);
  });
});
