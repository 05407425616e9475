import { bitrix24Fake } from './fakes/bitrix24.ts';
import { expect, it } from 'vitest';
import { BITRIX24_MAPPING, bitrix24, bitrix24Fields } from './bitrix24.ts';
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

it('links the lead to the contact with the same phone, matched by its E.164 number however the contact wrote it', async () => {
  const fake = await startBitrix24Fake();
  try {
    fake.contacts.push({ ID: 77, PHONE: [{ VALUE: '+44 (20) 7946-0123' }] }, { ID: 78, EMAIL: [{ VALUE: 'grace@example.com' }] });
    const built = bitrix24({ ...fake.options, linkExistingContact: true }, { secret: (name) => fake.env[name] });
    if (!built.ok) throw new Error(built.problems.join());
    const byPhone = sampleLead({ fields: { ...sampleLead().fields, phone: '+442079460123' } });
    expect(await built.value.deliver(byPhone, testContext(fake.env))).toMatchObject({ kind: 'delivered' });
    expect(fake.leadsWithEmail(String(byPhone.fields.email))[0]).toMatchObject({ CONTACT_ID: 77 });
    const searched = fake.requests.filter((request) => request.path.endsWith('crm.duplicate.findbycomm.json'));
    expect(searched[0]?.json).toEqual({ entity_type: 'CONTACT', type: 'PHONE', values: ['+442079460123'] });

    const byEmail = sampleLead({ fields: { name: 'Grace', email: 'grace@example.com', phone: '+15550100' } });
    expect(await built.value.deliver(byEmail, testContext(fake.env))).toMatchObject({ kind: 'delivered' });
    expect(fake.leadsWithEmail('grace@example.com')[0]).toMatchObject({ CONTACT_ID: 78 });

    const nobody = sampleLead();
    expect(await built.value.deliver(nobody, testContext(fake.env))).toMatchObject({ kind: 'delivered' });
    expect((fake.leadsWithEmail(String(nobody.fields.email))[0] as Bitrix24Lead).CONTACT_ID).toBeUndefined();
  } finally {
    await fake.close();
  }
});

it('looks for no contact unless asked to', async () => {
  const fake = await startBitrix24Fake();
  try {
    const built = bitrix24(fake.options, { secret: (name) => fake.env[name] });
    if (!built.ok) throw new Error(built.problems.join());
    expect(await built.value.deliver(sampleLead(), testContext(fake.env))).toMatchObject({ kind: 'delivered' });
    expect(fake.requests.some((request) => request.path.includes('findbycomm'))).toBe(false);
  } finally {
    await fake.close();
  }
});

it('puts a country code in ADDRESS_COUNTRY_CODE, and a country written out in COMMENTS', () => {
  const options = { webhookUrlEnv: 'X', sourceId: 'WEB', registerEvent: true, linkExistingContact: false };
  expect(bitrix24Fields(sampleLead({ fields: { ...sampleLead().fields, country: 'DE' } }), BITRIX24_MAPPING, options)).toMatchObject({
    ADDRESS_COUNTRY_CODE: 'DE',
  });
  const written = bitrix24Fields(sampleLead({ fields: { ...sampleLead().fields, country: 'Deutschland' } }), BITRIX24_MAPPING, options);
  expect(written.ADDRESS_COUNTRY_CODE).toBeUndefined();
  expect(written.COMMENTS).toContain('country: Deutschland');
});
