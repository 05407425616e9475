import { capillaryFake } from './fakes/capillary.ts';
import { expect, it } from 'vitest';
import { capillary } from './capillary.ts';
import { sampleLead, testContext, testDestination } from './contract.ts';
import { CAPILLARY_OAUTH, type CapillaryLead, startCapillaryFake } from './fakes/capillary.ts';
import type { DeliveryContext } from './types.ts';

const mapping = { 'attribution.utm_source': 'utm_source', 'attribution.utm_campaign': 'utm_campaign', company: 'company' };

testDestination({
  formEngine: capillaryFake.formEngine,
  type: 'capillary',
  adapter: capillary,
  startFake: startCapillaryFake,
  mapping,
  expectStored(stored, lead) {
    const record = stored as CapillaryLead;
    expect(record).toMatchObject({
      type: 'CUSTOM',
      leadFor: 'Website enquiry',
      idType: 'EMAIL',
      identifier: lead.fields.email,
      extendedFields: { utm_source: lead.attribution!.last!.utm_source, utm_campaign: lead.attribution!.last!.utm_campaign, company: lead.fields.company },
    });
    const notes = record.followUpDetails[0]!.notes!;
    expect(notes).toContain(String(lead.fields.message));
    expect(notes).toContain(`First touch: utm_source=${lead.attribution!.first!.utm_source}`);
    expect(notes).toContain(`leadform submission ${lead.id}`);
  },
});

const context = (env: Record<string, string>, extra: Partial<DeliveryContext> = {}): DeliveryContext => testContext(env, { mapping, ...extra });

it('with OAuth, caches the token and renews it once on a 401', async () => {
  const fake = await startCapillaryFake();
  try {
    const env = { CAP_KEY: CAPILLARY_OAUTH.key, CAP_SECRET: CAPILLARY_OAUTH.secret };
    const built = capillary({ baseUrl: fake.url, oauthKeyEnv: 'CAP_KEY', oauthSecretEnv: 'CAP_SECRET' }, { secret: (name) => env[name as keyof typeof env] });
    if (!built.ok) throw new Error(built.problems.join());
    const tokenCalls = () => fake.requests.filter((request) => request.path === '/v3/oauth/token/generate').length;
    expect(await built.value.deliver(sampleLead(), context(env))).toMatchObject({ kind: 'delivered' });
    expect(await built.value.deliver(sampleLead(), context(env))).toMatchObject({ kind: 'delivered' });
    expect(tokenCalls()).toBe(1);
    fake.tokens.clear(); // the vendor revokes every token
    expect(await built.value.deliver(sampleLead(), context(env))).toMatchObject({ kind: 'delivered' });
    expect(tokenCalls()).toBe(2);
    const last = fake.requests.at(-1)!;
    expect(last.headers['x-cap-api-oauth-token']).toMatch(/^tok_/);
    expect(last.headers.authorization).toBeUndefined();
  } finally {
    await fake.close();
  }
});

it('reads a 201 as a partial failure that still delivered, and a 521 as retry later', async () => {
  const fake = await startCapillaryFake();
  try {
    const built = capillary(fake.options, {});
    if (!built.ok) throw new Error(built.problems.join());
    const lead = sampleLead();
    expect(await built.value.deliver(lead, context(fake.env, { mapping: { ...mapping, 'attribution.gclid': 'not_an_org_field' } }))).toMatchObject({
      kind: 'delivered',
    });
    const [stored] = fake.leadsWithEmail(String(lead.fields.email)) as CapillaryLead[];
    expect(stored!.extendedFields).not.toHaveProperty('not_an_org_field');
    const other = sampleLead();
    fake.failNextWith(521);
    const outcome = await built.value.deliver(other, context(fake.env));
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('521') });
    expect((outcome as { uncertain?: boolean }).uncertain).toBeFalsy();
    expect(fake.leadsWithEmail(String(other.fields.email))).toHaveLength(0);
  } finally {
    await fake.close();
  }
});

it('names both ways to authenticate when the options name neither', () => {
  const built = capillary({ leadFor: 'x' }, {});
  expect(built.ok).toBe(false);
  expect((built as { problems: string[] }).problems.join()).toMatch(/tillIdEnv and passwordEnv.*oauthKeyEnv and oauthSecretEnv/);
});
