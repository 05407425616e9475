/**
 * The fake Pipedrive's organization search (v2 `searchOrganization`) and note list (v1
 * `getNotes`), which the adapter calls, answer every parameter as Pipedrive's OpenAPI documents
 * it, instead of ignoring those the adapter happens not to send today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipedriveFake, startPipedriveFake } from './pipedrive.ts';

let fake: PipedriveFake;
beforeAll(async () => {
  fake = await startPipedriveFake({ burst: 1000 });
});
afterAll(() => fake.close());

interface Answer {
  status: number;
  body: { success: boolean; error?: string; data: unknown; additional_data?: Record<string, unknown> };
}

async function call(method: 'GET' | 'POST', path: string, json?: unknown): Promise<Answer> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'x-api-token': fake.env.PIPEDRIVE_API_TOKEN!, ...(json ? { 'Content-Type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const orgIds = (answer: Answer) => (answer.body.data as { items: { item: { id: number } }[] }).items.map((entry) => entry.item.id);

describe('GET /api/v2/organizations/search', () => {
  beforeAll(async () => {
    for (const name of ['Analytical Engines Ltd', 'Analytical Engines', 'Difference Engines plc']) await call('POST', '/api/v2/organizations', { name });
    await call('POST', '/api/v2/organizations', { name: 'Babbage & Co', address: { value: '1 Dorset Street, London' } });
  });

  it('matches the whole name, not case sensitive, with exact_match; a part of it without', async () => {
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=analytical%20engines&exact_match=true'))).toEqual([2]);
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=analytical%20engines'))).toEqual([1, 2]);
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=engines&exact_match=false'))).toEqual([1, 2, 3]);
  });

  it('looks only in the fields named, all of them by default', async () => {
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=Dorset'))).toEqual([4]);
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=Dorset&fields=name'))).toEqual([]);
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=Dorset&fields=address'))).toEqual([4]);
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=Babbage&fields=address'))).toEqual([]);
  });

  it('pages by limit and the cursor it answers in additional_data.next_cursor', async () => {
    const first = await call('GET', '/api/v2/organizations/search?term=engines&limit=2');
    expect(orgIds(first)).toEqual([1, 2]);
    const cursor = first.body.additional_data!.next_cursor as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await call('GET', `/api/v2/organizations/search?term=engines&limit=2&cursor=${encodeURIComponent(cursor)}`);
    expect(orgIds(second)).toEqual([3]);
    expect(second.body.additional_data!.next_cursor).toBeNull();
  });

  it('refuses a term shorter than documented and a limit above 500, with 400', async () => {
    expect((await call('GET', '/api/v2/organizations/search?term=A')).status).toBe(400);
    expect(orgIds(await call('GET', '/api/v2/organizations/search?term=A&exact_match=true'))).toEqual([]);
    expect((await call('GET', '/api/v2/organizations/search?term=engines&limit=501')).status).toBe(400);
  });
});

describe('GET /v1/notes', () => {
  let leadId: string;
  beforeAll(async () => {
    const person = await call('POST', '/api/v2/persons', { name: 'Ada' });
    const lead = await call('POST', '/v1/leads', { title: 'Ada', person_id: (person.body.data as { id: number }).id });
    leadId = (lead.body.data as { id: string }).id;
    for (const content of ['b note', 'a note', 'c note']) await call('POST', '/v1/notes', { content, lead_id: leadId, pinned_to_lead_flag: 1 });
    await call('POST', '/v1/notes', { content: 'unpinned', lead_id: leadId });
    await call('POST', '/v1/notes', { content: 'about the company', org_id: 1 });
  });

  const contents = (answer: Answer) => (answer.body.data as { content: string }[]).map((note) => note.content);

  it('filters by lead, organization and pinning state', async () => {
    expect(contents(await call('GET', `/v1/notes?lead_id=${leadId}`))).toEqual(['b note', 'a note', 'c note', 'unpinned']);
    expect(contents(await call('GET', `/v1/notes?lead_id=${leadId}&pinned_to_lead_flag=0`))).toEqual(['unpinned']);
    expect(contents(await call('GET', '/v1/notes?org_id=1'))).toEqual(['about the company']);
    expect(contents(await call('GET', '/v1/notes?updated_since=2000-01-01T00:00:00Z&org_id=1'))).toEqual(['about the company']);
    expect(contents(await call('GET', '/v1/notes?updated_since=2999-01-01T00:00:00Z'))).toEqual([]);
    expect(contents(await call('GET', '/v1/notes?end_date=2000-01-01'))).toEqual([]);
  });

  it('pages by start and limit, saying in additional_data.pagination whether more follow', async () => {
    const first = await call('GET', `/v1/notes?lead_id=${leadId}&limit=3`);
    expect(contents(first)).toEqual(['b note', 'a note', 'c note']);
    expect(first.body.additional_data!.pagination).toEqual({ start: 0, limit: 3, more_items_in_collection: true, next_start: 3 });
    const second = await call('GET', `/v1/notes?lead_id=${leadId}&limit=3&start=3`);
    expect(contents(second)).toEqual(['unpinned']);
    expect(second.body.additional_data!.pagination).toMatchObject({ more_items_in_collection: false });
  });

  it('sorts by the fields the operation names, and refuses another', async () => {
    expect(contents(await call('GET', `/v1/notes?lead_id=${leadId}&pinned_to_lead_flag=1&sort=content%20DESC`))).toEqual(['c note', 'b note', 'a note']);
    expect(contents(await call('GET', `/v1/notes?lead_id=${leadId}&pinned_to_lead_flag=1&sort=content`))).toEqual(['a note', 'b note', 'c note']);
    expect((await call('GET', `/v1/notes?sort=title%20ASC`)).status).toBe(400);
  });
});
