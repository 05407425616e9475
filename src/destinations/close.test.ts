import { closeFake } from './fakes/close.ts';
import { expect, it } from 'vitest';
import { CLOSE_MAPPING, close, closeBody } from './close.ts';
import { sampleLead, testContext, testDestination } from './contract.ts';
import { type CloseLead, startCloseFake } from './fakes/close.ts';

testDestination({
  formEngine: closeFake.formEngine,
  type: 'close',
  adapter: close,
  startFake: startCloseFake,
  mapping: { 'attribution.utm_source': 'cf_UtmSource1234', 'attribution.utm_campaign': 'custom.cf_UtmCampaign5678' },
  expectStored(stored, lead) {
    const record = stored as CloseLead;
    expect(record).toMatchObject({
      name: lead.fields.company,
      contacts: [{ name: lead.fields.name, emails: [{ email: lead.fields.email, type: 'office' }], phones: [{ phone: lead.fields.phone, type: 'office' }] }],
      'custom.cf_UtmSource1234': lead.attribution!.last!.utm_source,
      'custom.cf_UtmCampaign5678': lead.attribution!.last!.utm_campaign,
    });
    expect(record.description).toContain(String(lead.fields.message));
    expect(record.description).toContain(`First touch: utm_source=${lead.attribution!.first!.utm_source}`);
    expect(record.description).toContain(`leadform submission ${lead.id}`);
  },
});

it('after a 504 the next attempt finds the lead instead of posting it again', async () => {
  const fake = await startCloseFake();
  try {
    const built = close(fake.options, {});
    if (!built.ok) throw new Error(built.problems.join());
    const lead = sampleLead();
    const context = testContext(fake.env, { attempt: 2, uncertain: true });
    // Many leads arrived after ours: the lookup pages through them.
    await built.value.deliver(lead, { ...context, uncertain: false });
    for (let i = 0; i < 120; i += 1) fake.leads.push({ id: `lead_other${i}`, contacts: [], description: 'another lead' });
    const posts = fake.requests.filter((request) => request.method === 'POST').length;
    expect(await built.value.deliver(lead, context)).toMatchObject({
      kind: 'exists',
      remoteId: fake.leadsWithEmail(String(lead.fields.email))[0] && (fake.leadsWithEmail(String(lead.fields.email))[0] as CloseLead).id,
    });
    expect(fake.requests.filter((request) => request.method === 'POST').length).toBe(posts);
  } finally {
    await fake.close();
  }
});

it('past the window the fake answers 429 with its RateLimit header, and the adapter waits until its reset', async () => {
  const fake = await startCloseFake();
  try {
    const built = close(fake.options, {});
    if (!built.ok) throw new Error(built.problems.join());
    const authorization = `Basic ${btoa(`${fake.env.CLOSE_API_KEY}:`)}`;
    await Promise.all(Array.from({ length: 50 }, () => fetch(`${fake.url}/api/v1/lead/?_limit=1`, { headers: { Authorization: authorization } })));
    const lead = sampleLead();
    const outcome = await built.value.deliver(lead, testContext(fake.env));
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('429') });
    expect((outcome as { afterMs: number }).afterMs).toBeGreaterThan(0);
    expect((outcome as { afterMs: number }).afterMs).toBeLessThanOrEqual(1000);
    expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(0);
  } finally {
    await fake.close();
  }
});

it('puts a country code in the address, and a country written out in the description', () => {
  const coded = sampleLead({ fields: { ...sampleLead().fields, country: 'GB' } });
  expect(closeBody(coded, CLOSE_MAPPING)).toMatchObject({ addresses: [{ country: 'GB' }] });
  const written = sampleLead({ fields: { ...sampleLead().fields, country: 'Great Britain' } });
  const body = closeBody(written, CLOSE_MAPPING);
  expect(body.addresses).toBeUndefined();
  expect(body.description).toContain('country: Great Britain');
});
