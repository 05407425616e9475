import { bitrix24Fake } from './fakes/bitrix24.ts';
import { expect, it } from 'vitest';
import { bitrix24 } from './bitrix24.ts';
import { sampleLead, testContext, testDestination } from './contract.ts';
import { type Bitrix24Lead, startBitrix24Fake } from './fakes/bitrix24.ts';

testDestination({
  formEngine: bitrix24Fake.formEngine,
  type: 'bitrix24',
  adapter: bitrix24,
  startFake: startBitrix24Fake,
  mapping: { 'attribution.first.utm_source': 'UF_CRM_FIRST_SOURCE', 'attribution.gclid': 'UF_CRM_GCLID' },
  expectStored(stored, lead) {
    const record = stored as Bitrix24Lead;
    const last = lead.attribution!.last!;
    const [first, ...rest] = String(lead.fields.name).split(' ');
    expect(record).toMatchObject({
      NAME: first,
      LAST_NAME: rest.join(' '),
      EMAIL: [{ VALUE: lead.fields.email, VALUE_TYPE: 'WORK' }],
      PHONE: [{ VALUE: lead.fields.phone, VALUE_TYPE: 'WORK' }],
      COMPANY_TITLE: lead.fields.company,
      SOURCE_ID: 'WEB',
      ORIGINATOR_ID: 'leadform',
      ORIGIN_ID: lead.id,
      UTM_SOURCE: last.utm_source,
      UTM_MEDIUM: last.utm_medium,
      UTM_CAMPAIGN: last.utm_campaign,
      UTM_CONTENT: last.utm_content,
      UTM_TERM: last.utm_term,
      UF_CRM_FIRST_SOURCE: lead.attribution!.first!.utm_source,
      UF_CRM_GCLID: last.gclid,
    });
    expect(record.COMMENTS).toContain(String(lead.fields.message));
    expect(record.COMMENTS).toContain(`First touch: utm_source=${lead.attribution!.first!.utm_source}`);
  },
});

it('answers QUERY_LIMIT_EXCEEDED past the burst of 50, as the leaky bucket does', async () => {
  const fake = await startBitrix24Fake();
  try {
    const url = `${fake.env.BITRIX24_WEBHOOK_URL}crm.lead.list.json`;
    const answers = await Promise.all(Array.from({ length: 52 }, () => fetch(url, { method: 'POST', body: '{}' })));
    const limited = answers.filter((answer) => answer.status === 503);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(await limited[0]!.json()).toMatchObject({ error: 'QUERY_LIMIT_EXCEEDED' });
  } finally {
    await fake.close();
  }
});

it('a form mapping overrides a default and an empty target drops it', async () => {
  const fake = await startBitrix24Fake();
  try {
    const built = bitrix24(fake.options, { secret: (name) => fake.env[name] });
    if (!built.ok) throw new Error(built.problems.join());
    const lead = sampleLead();
    const outcome = await built.value.deliver(lead, testContext(fake.env, { mapping: { company: 'UF_CRM_COMPANY', 'attribution.utm_term': '' } }));
    expect(outcome.kind).toBe('delivered');
    const [stored] = fake.leadsWithEmail(String(lead.fields.email)) as Bitrix24Lead[];
    expect(stored).toMatchObject({ UF_CRM_COMPANY: lead.fields.company });
    expect(stored!.COMPANY_TITLE).toBeUndefined();
    expect(stored!.UTM_TERM).toBeUndefined();
  } finally {
    await fake.close();
  }
});
