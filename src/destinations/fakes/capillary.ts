/**
 * A fake Capillary org answering as Capillary's Add Lead (v2) and leads API references and the
 * README say: `POST
 * /v2/leads` (leadFor required; type SKU|BRAND|CATEGORY|CUSTOM; userId or idType EMAIL|MOBILE +
 * identifier, a new identifier creating a customer), `GET /v2/leads` search (`searchLeads` below:
 * type, userId, status, substatus, orgSourceId, sortBy, sortOrder, limit, offset as the Search Lead
 * section defines them); answers carrying `errors[]`/`warnings[]`; 201 for a partial failure
 * (the lead stored, an unknown extended field refused); 521 for a concurrent action on the same
 * customer; Basic `TILL_ID:md5(PASSWORD)` or an OAuth token from `/v3/oauth/token/generate`.
 */
import { createHash } from 'node:crypto';
import { type Expect, FORM_ENGINE_VALUES, type FakeProfile, type LeadValues } from './profile.ts';
import { type Fault, type FakeResponse, type FakeVendor, HANG, nextFault, startFakeServer } from './server.ts';

export interface CapillaryLead {
  id: number;
  userId: number;
  type: string;
  leadFor: string;
  status: string;
  idType?: string;
  identifier?: string;
  extendedFields?: Record<string, unknown>;
  followUpDetails: { id: number; leadId: number; notes?: string }[];
  createdOn: string;
  [key: string]: unknown;
}

export const CAPILLARY_TILL = 'webform.till';
export const CAPILLARY_PASSWORD = 'Till-pässwörd-123';
export const CAPILLARY_OAUTH = { key: 'cap-client-key', secret: 'cap-client-secret-0a1b2c' };
/** The org's extended fields for leads; any other name is refused (a 201 partial failure). */
const EXTENDED_FIELDS = new Set([
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'gclid',
  'company',
  'trial_status',
  'topics',
  'seats',
  'start_date',
]);
/** The data type of the org's typed extended fields: a value that does not read as one is refused like an unknown field. */
const EXTENDED_TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  seats: (value) => (typeof value === 'number' || typeof value === 'string') && String(value).trim() !== '' && Number.isFinite(Number(value)),
  start_date: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value),
};
const fitsType = (name: string, value: unknown) => EXTENDED_TYPES[name]?.(value) ?? typeof value === 'string';
const TYPES = ['SKU', 'BRAND', 'CATEGORY', 'CUSTOM'];

export type CapillaryFake = FakeVendor & { leads: CapillaryLead[]; tokens: Map<string, number>; failNextWith(status: 521): void };

export async function startCapillaryFake(): Promise<CapillaryFake> {
  const faults: Fault[] = [];
  const leads: CapillaryLead[] = [];
  const customers = new Map<string, number>();
  const tokens = new Map<string, number>();
  const statuses: number[] = [];
  let followUps = 0;
  const basic = `Basic ${Buffer.from(`${CAPILLARY_TILL}:${createHash('md5').update(CAPILLARY_PASSWORD).digest('hex')}`).toString('base64')}`;
  const fail = (status: number, code: number, message: string): FakeResponse => ({
    status,
    json: { errors: [{ status: false, code, message }], warnings: [] },
  });

  const server = await startFakeServer((request) => {
    if (request.method === 'POST' && request.path === '/v3/oauth/token/generate') {
      const { key, secret } = (request.json ?? {}) as { key?: string; secret?: string };
      if (key !== CAPILLARY_OAUTH.key || secret !== CAPILLARY_OAUTH.secret) return fail(401, 1401, 'Invalid key or secret');
      const accessToken = `tok_${crypto.randomUUID()}`;
      tokens.set(accessToken, Date.now() + 600_000);
      return { status: 200, json: { data: { accessToken, expiresIn: 600 }, errors: [], warnings: [] } };
    }
    const token = request.headers['x-cap-api-oauth-token'];
    const authorized = request.headers.authorization === basic || (typeof token === 'string' && (tokens.get(token) ?? 0) > Date.now());
    if (!authorized) return fail(401, 401, 'Invalid credentials or expired token');
    if (request.path !== '/v2/leads') return fail(404, 404, 'Not found');
    if (request.method === 'GET') {
      const found = searchLeads(leads, request.query);
      if (typeof found === 'string') return fail(400, 1510, found);
      return { status: 200, json: { data: found, warnings: [], errors: [] } };
    }
    if (request.method !== 'POST') return fail(405, 405, 'Method not allowed');
    const forced = statuses.shift();
    if (forced === 521) return fail(521, 521, 'Another action is in progress for this customer');
    const body = (request.json ?? {}) as Record<string, unknown>;
    const fault = nextFault(faults);
    if (fault?.kind === 'rateLimited') return fail(429, 429, 'Rate limit exceeded');
    if (fault?.kind === 'serverError') return fail(500, 500, 'Internal server error');
    if (fault?.kind === 'invalid') return fail(400, 1505, 'Invalid lead type');
    if (typeof body.leadFor !== 'string' || !body.leadFor) return fail(400, 1501, 'leadFor is required');
    if (body.type !== undefined && !TYPES.includes(String(body.type))) return fail(400, 1505, 'Invalid lead type');
    if (body.userId === undefined && (!['EMAIL', 'MOBILE'].includes(String(body.idType)) || typeof body.identifier !== 'string' || !body.identifier)) {
      return fail(400, 1502, 'Pass userId, or idType (EMAIL or MOBILE) and identifier');
    }
    const identity = `${body.idType}:${String(body.identifier).toLowerCase()}`;
    const userId = typeof body.userId === 'number' ? body.userId : (customers.get(identity) ?? 368754334 + customers.size);
    customers.set(identity, userId);
    const id = leads.length + 1;
    const extended = (body.extendedFields ?? {}) as Record<string, unknown>;
    const refused = Object.keys(extended).filter((name) => !EXTENDED_FIELDS.has(name) || !fitsType(name, extended[name]));
    const lead: CapillaryLead = {
      ...body,
      id,
      userId,
      type: String(body.type ?? 'SKU'),
      leadFor: body.leadFor,
      status: String(body.status ?? 'OPEN'),
      createdOn: String(body.createdOn ?? new Date().toISOString()),
      // Set by Capillary when the lead is written (the Add Lead sample answers it), unless the body gives it.
      lastUpdatedOn: String(body.lastUpdatedOn ?? new Date().toISOString()),
      extendedFields: Object.fromEntries(Object.entries(extended).filter(([name, value]) => EXTENDED_FIELDS.has(name) && fitsType(name, value))),
      followUpDetails: ((body.followUpDetails ?? []) as { notes?: string }[]).map((followUp) => ({ ...followUp, id: ++followUps, leadId: id, userId })),
    };
    leads.push(lead);
    if (fault?.kind === 'commitThenHang') return HANG;
    if (refused.length)
      return {
        status: 201,
        json: { ...lead, warnings: [], errors: refused.map((name) => ({ status: false, code: 1520, message: `Invalid extended field: ${name}` })) },
      };
    return { status: 200, json: { ...lead, warnings: [] } };
  });
  return {
    url: server.url,
    options: { baseUrl: server.url, tillIdEnv: 'CAPILLARY_TILL_ID', passwordEnv: 'CAPILLARY_PASSWORD', leadFor: 'Website enquiry' },
    env: { CAPILLARY_TILL_ID: CAPILLARY_TILL, CAPILLARY_PASSWORD },
    badEnv: { CAPILLARY_TILL_ID: CAPILLARY_TILL, CAPILLARY_PASSWORD: 'wrong-password' },
    requests: server.requests,
    leads,
    tokens,
    failNextWith: (status) => statuses.push(status),
    leadsWithEmail: (email) => leads.filter((lead) => lead.idType === 'EMAIL' && lead.identifier === email),
    inject(fault) {
      faults.push(fault);
      return undefined;
    },
    close: server.close,
  };
}

const SORT_KEYS: Readonly<Record<string, 'createdOn' | 'lastUpdatedOn'>> = { createdon: 'createdOn', lastupdatedon: 'lastUpdatedOn' };
const STATUSES = ['OPEN', 'WON', 'LOST', 'ON_HOLD', 'DELETED'];

/**
 * The Search Lead call (`GET /v2/leads`), as its section of the leads reference defines each
 * parameter, or the reason a parameter is refused:
 * - `type` (SKU, CATEGORY, BRAND, CUSTOM; ALL, as its sample request sends, or none: every type),
 *   `userId`, `status`, `substatus` and `orgSourceId` filter;
 * - `offset` "fetches leads > the offset number", the offset being "the position of the lead in
 *   the db record", "assigned based on the sequence of creation": it leaves out the first `offset`
 *   leads the filters match in the order they were created, whatever the sort, and does not page through a sorted
 *   list (default 0);
 * - `sortBy` sorts by `createdon` or `lastUpdatedOn` (without it, leads come in the order they were
 *   created), `sortOrder` ascending (`ASC`, the default) or descending (`DESC`), ties in the order
 *   of creation (reversed by `DESC`);
 * - `limit` bounds the leads answered (10 when absent, as in the sample request).
 */
export function searchLeads(leads: readonly CapillaryLead[], q: URLSearchParams): CapillaryLead[] | string {
  const type = q.get('type');
  if (type && type !== 'ALL' && !TYPES.includes(type)) return `Invalid lead type: ${type}`;
  const status = q.get('status');
  if (status && !STATUSES.includes(status)) return `Invalid lead status: ${status}`;
  const sortBy = q.get('sortBy');
  const sortKey = sortBy === null ? undefined : SORT_KEYS[sortBy.toLowerCase()];
  if (sortBy !== null && !sortKey) return `Invalid sortBy: ${sortBy} (createdon or lastUpdatedOn)`;
  const sortOrder = (q.get('sortOrder') ?? 'ASC').toUpperCase();
  if (sortOrder !== 'ASC' && sortOrder !== 'DESC') return `Invalid sortOrder: ${q.get('sortOrder')} (ASC or DESC)`;
  const number = (name: string, fallback: number) => {
    const text = q.get(name);
    return text === null ? fallback : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  };
  const offset = number('offset', 0);
  const limit = number('limit', 10);
  if (Number.isNaN(offset) || Number.isNaN(limit)) return 'offset and limit must be whole numbers';
  const matches = (lead: CapillaryLead) =>
    (!type || type === 'ALL' || lead.type === type) &&
    (!q.get('userId') || String(lead.userId) === q.get('userId')) &&
    (!status || lead.status === status) &&
    (!q.get('substatus') || lead.subStatus === q.get('substatus')) &&
    (!q.get('orgSourceId') || String(lead.orgSourceId ?? -1) === q.get('orgSourceId'));
  // `leads` is in the order of creation: the record numbers the offset counts.
  let found = leads.filter(matches).slice(offset);
  if (sortKey) {
    const at = (lead: CapillaryLead) => Date.parse(String(lead[sortKey] ?? lead.createdOn));
    found = [...found].sort((a, b) => at(a) - at(b));
  }
  if (sortOrder === 'DESC') found = [...found].reverse();
  return found.slice(0, limit);
}

/**
 * Where the adapter's default mapping puts a lead in Capillary: a lead for the configured
 * `leadFor`, its customer identified by email, the message in the first follow-up's notes. For the
 * browser test and the contract's `expectStored` alike.
 */
export function expectCapillaryLeadPlaced(expect: Expect, stored: unknown, lead: LeadValues): void {
  const record = stored as CapillaryLead;
  expect(record).toMatchObject({ leadFor: 'Website enquiry', idType: 'EMAIL', identifier: lead.fields.email });
  expect(record.followUpDetails[0]!.notes).toContain(String(lead.fields.message));
}

export const capillaryFake: FakeProfile<CapillaryFake> = {
  start: startCapillaryFake,
  reachedThrough: (fake, url) => ({ options: { ...fake.options, baseUrl: url }, env: fake.env }),
  chaos: {
    share: 0.24,
    looksBeforeCreate: true,
    isCreate: (method, path) => method === 'POST' && path === '/v2/leads',
    // Capillary's answer to a concurrent action on the same customer, which no other vendor gives.
    own: { 'vendor:521': { weight: 1, inject: (fake) => fake.failNextWith(521) } },
  },
  formEngine: {
    mapping: { topics: 'topics', seats: 'seats', start: 'start_date' },
    expectArrived(expect, stored) {
      const record = stored as CapillaryLead;
      // Extended fields hold text; the phone, not the customer's identifier when there is an email, is in the notes.
      expect(record).toMatchObject({
        extendedFields: { topics: FORM_ENGINE_VALUES.topics.join(', '), seats: String(FORM_ENGINE_VALUES.seats), start_date: FORM_ENGINE_VALUES.start },
      });
      expect(record.followUpDetails[0]?.notes).toContain(`phone: ${FORM_ENGINE_VALUES.phone}`);
    },
  },
  browser: {
    // Two of the org's extended fields (EXTENDED_FIELDS), so the campaign lands in fields of its own.
    mapping: { 'attribution.utm_source': 'utm_source', 'attribution.utm_campaign': 'utm_campaign' },
    expectArrived(expect, stored, lead) {
      expectCapillaryLeadPlaced(expect, stored, lead);
      const last = lead.attribution?.last;
      expect(stored).toMatchObject({ extendedFields: { utm_source: last?.utm_source, utm_campaign: last?.utm_campaign } });
    },
  },
};
