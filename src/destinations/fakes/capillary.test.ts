/**
 * The fake Capillary's lead search orders and cuts its answer as the Search Lead section of
 * Capillary's leads reference says: `sortBy`, `sortOrder` and `offset` each honoured, with their
 * defaults, so an adapter that pages the way the search does not is caught here.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapillaryFake, type CapillaryLead, searchLeads, startCapillaryFake } from './capillary.ts';

/** Five leads, created in the order of their ids; `createdOn` and `lastUpdatedOn` in other orders. */
const LEADS: CapillaryLead[] = [
  { createdOn: '2026-11-03T10:00:00+00:00', lastUpdatedOn: '2026-11-20T10:00:00+00:00' },
  { createdOn: '2026-11-01T10:00:00+00:00', lastUpdatedOn: '2026-11-22T10:00:00+00:00' },
  { createdOn: '2026-11-05T10:00:00+00:00', lastUpdatedOn: '2026-11-21T10:00:00+00:00' },
  { createdOn: '2026-11-02T10:00:00+00:00', lastUpdatedOn: '2026-11-24T10:00:00+00:00' },
  { createdOn: '2026-11-04T12:00:00+02:00', lastUpdatedOn: '2026-11-23T10:00:00+00:00' },
].map((dates, index) => ({ id: index + 1, userId: 1, type: index === 3 ? 'SKU' : 'CUSTOM', leadFor: 'x', status: 'OPEN', followUpDetails: [], ...dates }));

const ids = (query: string) => {
  const found = searchLeads(LEADS, new URLSearchParams(query));
  if (typeof found === 'string') throw new Error(found);
  return found.map((lead) => lead.id);
};

describe('the fake Capillary lead search', () => {
  it('lists leads in the order they were created without sortBy, reversed by sortOrder=DESC', () => {
    expect(ids('')).toEqual([1, 2, 3, 4, 5]);
    expect(ids('sortOrder=ASC')).toEqual([1, 2, 3, 4, 5]);
    expect(ids('sortOrder=DESC')).toEqual([5, 4, 3, 2, 1]);
  });

  it('sorts by createdon or lastUpdatedOn, ascending by default', () => {
    expect(ids('sortBy=createdon')).toEqual([2, 4, 1, 5, 3]);
    expect(ids('sortBy=createdon&sortOrder=ASC')).toEqual([2, 4, 1, 5, 3]);
    expect(ids('sortBy=createdon&sortOrder=DESC')).toEqual([3, 5, 1, 4, 2]);
    expect(ids('sortBy=lastUpdatedOn')).toEqual([1, 3, 2, 5, 4]);
    expect(ids('sortBy=lastUpdatedOn&sortOrder=DESC')).toEqual([4, 5, 2, 3, 1]);
  });

  it('leaves out the first `offset` leads in the order of creation, whatever the sort, before the limit', () => {
    expect(ids('offset=0&limit=2')).toEqual([1, 2]);
    expect(ids('offset=2')).toEqual([3, 4, 5]);
    expect(ids('offset=2&sortBy=createdon&sortOrder=DESC')).toEqual([3, 5, 4]);
    expect(ids('offset=2&sortBy=createdon&sortOrder=DESC&limit=2')).toEqual([3, 5]);
    // Not a page of the sorted list: the newest leads by createdOn come back at every offset below them.
    expect(ids('offset=1&sortBy=createdon&sortOrder=DESC&limit=2')).toEqual([3, 5]);
    expect(ids('offset=5')).toEqual([]);
  });

  it('filters by type (ALL or none: every type) before counting the offset', () => {
    expect(ids('type=CUSTOM')).toEqual([1, 2, 3, 5]);
    expect(ids('type=ALL')).toEqual([1, 2, 3, 4, 5]);
    expect(ids('type=CUSTOM&offset=3')).toEqual([5]);
    expect(ids('type=SKU')).toEqual([4]);
  });

  it('answers 10 leads when no limit is given', () => {
    const many = Array.from({ length: 12 }, (_, index) => ({ ...LEADS[0]!, id: index + 1 }));
    expect((searchLeads(many, new URLSearchParams()) as CapillaryLead[]).map((lead) => lead.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses a value the section does not define', () => {
    expect(searchLeads(LEADS, new URLSearchParams('sortBy=created'))).toMatch(/sortBy/);
    expect(searchLeads(LEADS, new URLSearchParams('sortOrder=down'))).toMatch(/sortOrder/);
    expect(searchLeads(LEADS, new URLSearchParams('type=PRODUCT'))).toMatch(/type/);
    expect(searchLeads(LEADS, new URLSearchParams('offset=-1'))).toMatch(/offset/);
  });
});

describe('over HTTP', () => {
  let fake: CapillaryFake;
  beforeAll(async () => {
    fake = await startCapillaryFake();
  });
  afterAll(() => fake.close());

  const get = async (query: string) => {
    const answer = await fetch(`${fake.url}/v2/leads?${query}`, { headers: { authorization: basicAuth(fake) } });
    return { status: answer.status, body: (await answer.json()) as { data?: CapillaryLead[]; errors?: { message: string }[] } };
  };

  it('stamps lastUpdatedOn on a new lead, sorts by it, and answers a refused parameter with 400 and errors[]', async () => {
    for (const createdOn of ['2026-11-02T10:00:00+00:00', '2026-11-01T10:00:00+00:00']) {
      const answer = await fetch(`${fake.url}/v2/leads`, {
        method: 'POST',
        headers: { authorization: basicAuth(fake), 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'CUSTOM', leadFor: 'x', idType: 'EMAIL', identifier: `a${createdOn}@example.com`, createdOn }),
      });
      expect(answer.status).toBe(200);
      await new Promise((done) => setTimeout(done, 5));
    }
    expect(fake.leads.every((lead) => typeof lead.lastUpdatedOn === 'string')).toBe(true);
    expect((await get('sortBy=lastUpdatedOn&sortOrder=DESC')).body.data!.map((lead) => lead.id)).toEqual([2, 1]);
    expect((await get('sortBy=createdon')).body.data!.map((lead) => lead.id)).toEqual([2, 1]);
    const refused = await get('sortBy=name');
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0]!.message).toMatch(/sortBy/);
  });
});

function basicAuth(fake: CapillaryFake): string {
  return `Basic ${Buffer.from(`${fake.env.CAPILLARY_TILL_ID}:${md5(fake.env.CAPILLARY_PASSWORD!)}`).toString('base64')}`;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
