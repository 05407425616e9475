import { pipedriveFake } from './fakes/pipedrive.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { sampleLead, testContext, testDestination } from './contract.ts';
import { PIPEDRIVE_ROUTES, PIPEDRIVE_SPEC_SHA256, PIPEDRIVE_SPECS, type PipedriveFake, type PipedriveLead, startPipedriveFake } from './fakes/pipedrive.ts';
import { pipedrive } from './pipedrive.ts';
import type { DeliveryContext } from './types.ts';
import type { Lead } from '../schema/lead.ts';

const UTM_SOURCE_KEY = '5b1c0f3e8d2a4b6c9e7f1a2b3c4d5e6f7a8b9c0d';

function expectStored(stored: unknown, lead: Lead, fake: PipedriveFake) {
  const record = stored as PipedriveLead;
  expect(record).toMatchObject({ origin_id: lead.id, source_name: 'API', [UTM_SOURCE_KEY]: lead.attribution!.last!.utm_source });
  expect(record.title).toContain(String(lead.fields.name));
  const person = fake.people.find((p) => p.id === record.person_id)!;
  expect(person).toMatchObject({ name: lead.fields.name, emails: [{ value: lead.fields.email, primary: true }], phones: [{ value: lead.fields.phone }] });
  expect(fake.organizations.find((org) => org.id === person.org_id)?.name).toBe(lead.fields.company);
  const notes = fake.notes.filter((note) => note.lead_id === record.id);
  expect(notes).toHaveLength(1);
  expect(notes[0]!.content).toContain(String(lead.fields.message));
  expect(notes[0]!.content).toContain(`Last touch: utm_source=${lead.attribution!.last!.utm_source}`);
  expect(notes[0]!.content).toContain(`First touch: utm_source=${lead.attribution!.first!.utm_source}`);
}

testDestination({
  formEngine: pipedriveFake.formEngine,
  type: 'pipedrive',
  adapter: pipedrive,
  startFake: () => startPipedriveFake(),
  mapping: { 'attribution.utm_source': UTM_SOURCE_KEY },
  expectStored,
});

const context = (fake: PipedriveFake, extra: Partial<DeliveryContext> = {}): DeliveryContext => testContext(fake.env, extra);

it('links a returning person instead of creating another, and adds the missing note after a lost answer', async () => {
  const fake = await startPipedriveFake();
  try {
    const built = pipedrive(fake.options, {});
    if (!built.ok) throw new Error(built.problems.join());
    const first = sampleLead();
    expect(await built.value.deliver(first, context(fake))).toMatchObject({ kind: 'delivered' });
    const again = { ...sampleLead(), fields: { ...first.fields, message: 'Second enquiry' } };
    expect(await built.value.deliver(again, context(fake))).toMatchObject({ kind: 'delivered' });
    expect(fake.people).toHaveLength(1);
    expect(fake.leadsWithEmail(String(first.fields.email))).toHaveLength(2);
    // A lead whose note never arrived: the uncertain retry finds the lead and adds only the note.
    const third = { ...sampleLead(), fields: { ...first.fields, message: 'Third' } };
    fake.leads.push({ id: crypto.randomUUID(), title: 't', person_id: 1, organization_id: null, origin_id: third.id, source_name: 'API', origin: 'API' });
    expect(await built.value.deliver(third, context(fake, { uncertain: true, attempt: 2 }))).toMatchObject({ kind: 'exists' });
    expect(fake.leadsWithEmail(String(first.fields.email))).toHaveLength(3);
    expect(fake.notes.filter((note) => note.content.includes(third.id))).toHaveLength(1);
  } finally {
    await fake.close();
  }
});

it('finds the earlier lead of a phone-only form after an answer lost once Pipedrive committed, and creates nothing more', async () => {
  const fake = await startPipedriveFake();
  try {
    const built = pipedrive(fake.options, {});
    if (!built.ok) throw new Error(built.problems.join());
    const { email: _email, company: _company, ...fields } = sampleLead().fields;
    const lead = { ...sampleLead(), fields };
    fake.inject({ kind: 'commitThenHang' });
    expect(await built.value.deliver(lead, context(fake, { signal: AbortSignal.timeout(500) }))).toMatchObject({ kind: 'retry' });
    expect(await built.value.deliver(lead, context(fake, { uncertain: true, attempt: 2 }))).toMatchObject({ kind: 'exists' });
    expect(fake.people).toHaveLength(1);
    expect(fake.leads.filter((stored) => stored.origin_id === lead.id)).toHaveLength(1);
    expect(fake.notes.filter((note) => note.content.includes(lead.id))).toHaveLength(1);
  } finally {
    await fake.close();
  }
});

it("the fake refuses a body that breaks Pipedrive's schema with its 400 error body", async () => {
  const fake = await startPipedriveFake();
  try {
    const answer = await fetch(`${fake.url}/v1/leads`, {
      method: 'POST',
      headers: { 'x-api-token': fake.env.PIPEDRIVE_API_TOKEN!, 'Content-Type': 'application/json' },
      body: JSON.stringify({ person_id: 'one', value: null }),
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { success: boolean; error: string };
    expect(body.success).toBe(false);
    expect(body.error).toMatch(/required property 'title'/);
    expect(body.error).toMatch(/person_id must be integer/);
    expect(body.error).not.toMatch(/value/); // `value` is nullable in the spec
  } finally {
    await fake.close();
  }
});

it('the fake answers 429 with x-ratelimit-reset past its burst window, and the adapter waits that long', async () => {
  const fake = await startPipedriveFake({ burst: 3 });
  try {
    const built = pipedrive(fake.options, {});
    if (!built.ok) throw new Error(built.problems.join());
    const outcome = await built.value.deliver(sampleLead(), context(fake));
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('429') });
    expect((outcome as { afterMs: number }).afterMs).toBeGreaterThan(0);
    expect((outcome as { afterMs: number }).afterMs).toBeLessThanOrEqual(2000);
  } finally {
    await fake.close();
  }
});

it("the in-repo Pipedrive schemas are the copies checked against the vendor's documents, and hold every operation the fake serves at its token cost", () => {
  type Spec = { servers: { url: string }[]; paths: Record<string, Record<string, { operationId?: string; 'x-token-cost'?: number }>> };
  for (const [version, file] of Object.entries(PIPEDRIVE_SPECS)) {
    // Line endings as committed, whatever a checkout made of them.
    const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
    expect(createHash('sha256').update(text).digest('hex'), file).toBe(PIPEDRIVE_SPEC_SHA256[version as keyof typeof PIPEDRIVE_SPECS]);
  }
  for (const [route, { spec, operationId, cost }] of Object.entries(PIPEDRIVE_ROUTES)) {
    const document = parse(readFileSync(PIPEDRIVE_SPECS[spec], 'utf8')) as Spec;
    const base = new URL(document.servers[0]!.url).pathname;
    const served = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.operationId === operationId)
        .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${base}${path}`, cost: operation['x-token-cost'] })),
    );
    expect(served).toEqual([{ route, cost }]);
  }
});
