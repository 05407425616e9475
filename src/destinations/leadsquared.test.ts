import { leadSquaredFake } from './fakes/leadsquared.ts';
import { expect, it } from 'vitest';
import { sampleLead, testContext, testDestination } from './contract.ts';
import { type LeadSquaredLead, startLeadSquaredFake } from './fakes/leadsquared.ts';
import { leadsquared } from './leadsquared.ts';
import type { DeliveryContext } from './types.ts';

function expectStored(stored: unknown, lead: ReturnType<typeof sampleLead>) {
  const record = stored as LeadSquaredLead;
  const last = lead.attribution!.last!;
  const [first, ...rest] = String(lead.fields.name).split(' ');
  expect(record).toMatchObject({
    FirstName: first,
    LastName: rest.join(' '),
    EmailAddress: lead.fields.email,
    Phone: lead.fields.phone,
    Company: lead.fields.company,
    Source: last.utm_source,
    SourceMedium: last.utm_medium,
    SourceCampaign: last.utm_campaign,
    SourceContent: last.utm_content,
    mx_GCLID: last.gclid,
  });
  expect(record.Notes).toContain(String(lead.fields.message));
  expect(record.Notes).toContain(`leadform submission ${lead.id}`);
}

testDestination({
  formEngine: leadSquaredFake.formEngine,
  type: 'leadsquared',
  adapter: leadsquared,
  startFake: startLeadSquaredFake,
  mapping: { 'attribution.gclid': 'mx_GCLID' },
  expectStored,
});

const context = (env: Record<string, string>, uncertain = false): DeliveryContext =>
  testContext(env, { attempt: uncertain ? 2 : 1, uncertain, mapping: { 'attribution.gclid': 'mx_GCLID' } });

it('with Lead.Create, a retry after a lost answer reads the duplicate exception as "exists"', async () => {
  const fake = await startLeadSquaredFake();
  try {
    const built = leadsquared({ ...fake.options, operation: 'create' }, { secret: (name) => fake.env[name] });
    if (!built.ok) throw new Error(built.problems.join());
    const lead = sampleLead();
    fake.inject({ kind: 'commitThenHang' });
    expect(await built.value.deliver(lead, { ...context(fake.env), signal: AbortSignal.timeout(300) })).toMatchObject({ kind: 'retry', uncertain: true });
    expect(await built.value.deliver(lead, context(fake.env, true))).toMatchObject({ kind: 'exists' });
    expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(1);
    expectStored(fake.leadsWithEmail(String(lead.fields.email))[0], lead);
  } finally {
    await fake.close();
  }
});

it('with Lead.Create, a returning visitor on a first attempt is a dead letter that says why, never a silent "exists"', async () => {
  const fake = await startLeadSquaredFake();
  try {
    const built = leadsquared({ ...fake.options, operation: 'create' }, { secret: (name) => fake.env[name] });
    if (!built.ok) throw new Error(built.problems.join());
    const first = sampleLead();
    expect(await built.value.deliver(first, context(fake.env))).toMatchObject({ kind: 'delivered' });
    const returning = { ...sampleLead(), fields: { ...first.fields, message: 'A second enquiry' } };
    expect(await built.value.deliver(returning, context(fake.env))).toMatchObject({
      kind: 'failed',
      reason: expect.stringContaining('MXDuplicateEntryException'),
    });
  } finally {
    await fake.close();
  }
});

it('declares a pace under the documented 25 calls in 5 s, and the fake enforces that limit', async () => {
  const fake = await startLeadSquaredFake();
  try {
    const built = leadsquared(fake.options, {});
    if (!built.ok) throw new Error(built.problems.join());
    const pace = built.value.pace!;
    expect(pace.calls * (5000 / pace.perMs)).toBeLessThan(25);
    const outcomes = [];
    for (let i = 0; i < 26; i += 1) outcomes.push(await built.value.deliver(sampleLead(), context(fake.env)));
    expect(outcomes.slice(0, 25).every((outcome) => outcome.kind === 'delivered')).toBe(true);
    expect(outcomes[25]).toMatchObject({ kind: 'retry', afterMs: undefined });
  } finally {
    await fake.close();
  }
});

it('a partial lead and the final submission that follows it are one record (Lead.CreateOrUpdate by email), the final values winning', async () => {
  const fake = await startLeadSquaredFake();
  try {
    const built = leadsquared(fake.options, { secret: (name) => fake.env[name] });
    if (!built.ok) throw new Error(built.problems.join());
    const final = sampleLead();
    const partial = { ...final, id: `${final.id}-partial`, partial: true as const, fields: { email: final.fields.email!, name: 'Gr' } };
    expect(await built.value.deliver(partial, context(fake.env))).toMatchObject({ kind: 'delivered' });
    expect(await built.value.deliver(final, context(fake.env))).toMatchObject({ kind: 'delivered' });
    const records = fake.leadsWithEmail(String(final.fields.email));
    expect(records).toHaveLength(1);
    expectStored(records[0], final);
  } finally {
    await fake.close();
  }
});
