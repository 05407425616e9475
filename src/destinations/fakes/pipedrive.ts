/**
 * A fake Pipedrive company answering as Pipedrive's API reference says, and validating every
 * request against the operations cut from Pipedrive's own OpenAPI documents (./specs: v1
 * `addLead`, `addNote`, `getLeads`, `getNotes`; v2 `searchPersons`, `addPerson`,
 * `searchOrganization`, `addOrganization`): a request
 * the schema refuses gets Pipedrive's 400 `{success: false, error, error_info}`. Auth is the
 * `x-api-token` header (401 otherwise). Rate limits are token based: each operation costs its
 * `x-token-cost` from the spec against a daily budget, and requests count against a 2-second
 * burst window; past either, 429 with `x-ratelimit-limit`, `x-ratelimit-remaining` and
 * `x-ratelimit-reset` (seconds). The searches and lists honour every parameter their operation
 * documents (fields, exact_match, limit and cursor; the notes' filters, dates, sort, start and
 * limit), answering the pagination Pipedrive adds: `additional_data.next_cursor` for v2 searches,
 * `additional_data.pagination` for v1 lists.
 */
import { fileURLToPath } from 'node:url';
import { loadOpenApi, requestProblems } from './openapi.ts';
import { type Expect, FORM_ENGINE_VALUES, type FakeProfile, type LeadValues } from './profile.ts';
import { type Fault, type FakeRequest, type FakeResponse, type FakeVendor, HANG, nextFault, startFakeServer, WindowLimit } from './server.ts';

/** The operations this fake serves, cut unchanged from Pipedrive's specs by scripts/extract-openapi.ts. */
export const PIPEDRIVE_SPECS = {
  v1: fileURLToPath(new URL('./specs/pipedrive-v1.yaml', import.meta.url)),
  v2: fileURLToPath(new URL('./specs/pipedrive-v2.yaml', import.meta.url)),
};

/**
 * The SHA-256 of each cut as it was compared, operation by operation, with Pipedrive's full
 * documents (v1 1.0.0 and v2 2.0.0 as mirrored in github.com/juhokoskela/pipedrive-go
 * `openapi/upstream/` @ cc378033): pipedrive.test.ts fails on any later edit, such as a schema
 * loosened by hand until a drifting adapter passes. After cutting the specs again from the
 * vendor's documents, record the new sums (`sha256sum src/destinations/fakes/specs/*.yaml`).
 */
export const PIPEDRIVE_SPEC_SHA256: Readonly<Record<keyof typeof PIPEDRIVE_SPECS, string>> = {
  v1: '28d6db8a3d0bdecd1b1a2548c0d4a5ec832c8afdedc96d8767e51197a0fdbb4c',
  v2: '004fbf48e718f3a688c85342a2a8a23cf5ffc580ad6c24da066ecf0c13db5814',
};

export const PIPEDRIVE_TOKEN = 'c0ffee0123456789abcdef0123456789pipedrv';

export interface PipedrivePerson {
  id: number;
  name: string;
  emails: { value: string; primary?: boolean; label?: string }[];
  phones: { value: string }[];
  org_id: number | null;
}
export interface PipedriveOrganization {
  id: number;
  name: string;
  address?: string | null;
}
export interface PipedriveLead {
  id: string;
  title: string;
  person_id: number | null;
  organization_id: number | null;
  origin_id: string | null;
  source_name: 'API';
  origin: 'API';
  [key: string]: unknown;
}
export interface PipedriveNote {
  id: number;
  content: string;
  lead_id: string | null;
  pinned_to_lead_flag: boolean;
  user_id?: number;
  deal_id?: number | null;
  person_id?: number | null;
  org_id?: number | null;
  project_id?: number | null;
  task_id?: number | null;
  pinned_to_deal_flag?: boolean;
  pinned_to_person_flag?: boolean;
  pinned_to_organization_flag?: boolean;
  pinned_to_project_flag?: boolean;
  pinned_to_task_flag?: boolean;
  add_time?: string;
  update_time?: string;
}

/** The user the fake's API token belongs to: the author of what the API adds. */
const TOKEN_USER_ID = 13_540_546;
const NOTE_LINKS = ['user_id', 'deal_id', 'person_id', 'org_id', 'project_id', 'task_id'] as const;
const NOTE_PINS = ['lead', 'deal', 'person', 'organization', 'project', 'task'] as const;
const NOTE_SORT_FIELDS = new Set(['id', 'user_id', 'deal_id', 'person_id', 'org_id', 'content', 'add_time', 'update_time']);

/** Pipedrive's time format, `YYYY-MM-DD HH:MM:SS` in UTC. */
const pipedriveTime = (date = new Date()) => date.toISOString().slice(0, 19).replace('T', ' ');

/**
 * A v2 search's `term`, `exact_match`, `limit` and `cursor` (an opaque marker of the first item of
 * the next page), as searchPersons and searchOrganization document them. Matches `values` of each
 * candidate against the term: the whole value, not case sensitive, with exact_match; else a part.
 */
function searchPage<T>(q: URLSearchParams, candidates: readonly T[], values: (candidate: T) => string[]): { found: T[]; nextCursor: string | null } | string {
  const term = q.get('term') ?? '';
  const exact = q.get('exact_match') === 'true';
  if (term.length < (exact ? 1 : 2)) return `term: the search term must be at least ${exact ? 1 : 2} characters long`;
  const limit = q.get('limit') === null ? 100 : Number(q.get('limit'));
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) return 'limit: must be between 1 and 500';
  let start = 0;
  const cursor = q.get('cursor');
  if (cursor !== null) {
    start = Number(
      Buffer.from(cursor, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(start) || start < 0) return 'cursor: not a cursor this search gave';
  }
  const wanted = term.toLowerCase();
  const matches = (value: string) => (exact ? value.toLowerCase() === wanted : value.toLowerCase().includes(wanted));
  const all = candidates.filter((candidate) => values(candidate).some(matches));
  const found = all.slice(start, start + limit);
  return { found, nextCursor: start + limit < all.length ? Buffer.from(`offset:${start + limit}`).toString('base64url') : null };
}

/** The `fields` a v2 search looks in: the comma-separated list given, else all the operation names. */
function searchFields(q: URLSearchParams, all: readonly string[]): string[] | string {
  const fields = q.get('fields')?.split(',') ?? [...all];
  const unknown = fields.filter((name) => !all.includes(name));
  return unknown.length ? `fields: ${unknown.join(', ')} is not one of ${all.join(', ')}` : fields;
}

/** getNotes: its filters, date range, `updated_since`, `sort`, then `start` and `limit`; or why a parameter is refused. */
function listNotes(notes: readonly PipedriveNote[], q: URLSearchParams): { page: PipedriveNote[]; pagination: Record<string, unknown> } | string {
  let found = notes.filter((note) => {
    for (const link of ['lead_id', ...NOTE_LINKS] as const) {
      const wanted = q.get(link);
      if (wanted !== null && String(note[link] ?? '') !== wanted) return false;
    }
    for (const pin of NOTE_PINS) {
      const wanted = q.get(`pinned_to_${pin}_flag`);
      if (wanted !== null && Number(Boolean(note[`pinned_to_${pin}_flag`])) !== Number(wanted)) return false;
    }
    const day = (note.add_time ?? '').slice(0, 10);
    if (q.get('start_date') && day < q.get('start_date')!) return false;
    if (q.get('end_date') && day > q.get('end_date')!) return false;
    const since = q.get('updated_since');
    if (since && Date.parse(`${(note.update_time ?? '').replace(' ', 'T')}Z`) < Date.parse(since)) return false;
    return true;
  });
  const sort = q.get('sort');
  if (sort) {
    const keys = sort.split(',').map((part) => part.trim().split(/\s+/));
    const bad = keys.find(([name, mode]) => !NOTE_SORT_FIELDS.has(name!) || (mode !== undefined && !/^(ASC|DESC)$/i.test(mode)));
    if (bad) return `sort: ${bad.join(' ')} is not a field of ${[...NOTE_SORT_FIELDS].join(', ')} with ASC or DESC`;
    found = [...found].sort((a, b) => {
      for (const [name, mode] of keys) {
        const x = (a as unknown as Record<string, unknown>)[name!] ?? '';
        const y = (b as unknown as Record<string, unknown>)[name!] ?? '';
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        if (order) return mode?.toUpperCase() === 'DESC' ? -order : order;
      }
      return 0;
    });
  }
  const start = Number(q.get('start') ?? 0);
  const limit = Number(q.get('limit') ?? 100);
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(limit) || limit < 1 || limit > 500) return 'start and limit: start from 0, limit 1 to 500';
  const page = found.slice(start, start + limit);
  const more = start + limit < found.length;
  return { page, pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) } };
}

/** The operations this fake serves, by `METHOD /path`, with the tokens each costs (the spec's `x-token-cost`). */
export const PIPEDRIVE_ROUTES: Readonly<Record<string, { spec: 'v1' | 'v2'; operationId: string; cost: number }>> = {
  'GET /api/v2/persons/search': { spec: 'v2', operationId: 'searchPersons', cost: 20 },
  'POST /api/v2/persons': { spec: 'v2', operationId: 'addPerson', cost: 5 },
  'GET /api/v2/organizations/search': { spec: 'v2', operationId: 'searchOrganization', cost: 20 },
  'POST /api/v2/organizations': { spec: 'v2', operationId: 'addOrganization', cost: 5 },
  'GET /v1/leads': { spec: 'v1', operationId: 'getLeads', cost: 20 },
  'POST /v1/leads': { spec: 'v1', operationId: 'addLead', cost: 10 },
  'GET /v1/notes': { spec: 'v1', operationId: 'getNotes', cost: 20 },
  'POST /v1/notes': { spec: 'v1', operationId: 'addNote', cost: 10 },
};

export interface PipedriveFakeOptions {
  /** Requests per 2-second burst window. @default 80 */
  burst?: number;
  /** Token budget for the day. @default 30000 */
  dailyTokens?: number;
}

export type PipedriveFake = FakeVendor & { people: PipedrivePerson[]; organizations: PipedriveOrganization[]; leads: PipedriveLead[]; notes: PipedriveNote[] };

export async function startPipedriveFake(options: PipedriveFakeOptions = {}): Promise<PipedriveFake> {
  const specs = { v1: loadOpenApi(PIPEDRIVE_SPECS.v1), v2: loadOpenApi(PIPEDRIVE_SPECS.v2) };
  const faults: Fault[] = [];
  const people: PipedrivePerson[] = [];
  const organizations: PipedriveOrganization[] = [];
  const leads: PipedriveLead[] = [];
  const notes: PipedriveNote[] = [];
  const burst = new WindowLimit(options.burst ?? 80, 2000);
  let tokensLeft = options.dailyTokens ?? 30_000;
  const failure = (status: number, error: string, headers?: Record<string, string>): FakeResponse => ({
    status,
    headers,
    json: {
      success: false,
      error,
      error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
      data: null,
      additional_data: null,
    },
  });
  const ok = (status: number, data: unknown, additional?: unknown): FakeResponse => ({
    status,
    json: { success: true, data, ...(additional ? { additional_data: additional } : {}) },
  });

  function handle(request: FakeRequest, fault: Fault | undefined): FakeResponse | typeof HANG {
    const body = (request.json ?? {}) as Record<string, unknown>;
    const q = request.query;
    switch (`${request.method} ${request.path}`) {
      case 'GET /api/v2/persons/search': {
        // `fields` limits where the term is looked for (all of them by default), as the schema says.
        const fields = searchFields(q, ['custom_fields', 'email', 'notes', 'phone', 'name']);
        if (typeof fields === 'string') return failure(400, `Validation failed: ${fields}`);
        const organizationId = q.get('organization_id');
        const result = searchPage(
          q,
          people.filter((person) => organizationId === null || String(person.org_id) === organizationId),
          (person) => [
            ...(fields.includes('email') ? person.emails.map((email) => email.value) : []),
            ...(fields.includes('phone') ? person.phones.map((phone) => phone.value) : []),
            ...(fields.includes('name') ? [person.name] : []),
            ...(fields.includes('notes') ? notes.filter((note) => note.person_id === person.id).map((note) => note.content) : []),
          ],
        );
        if (typeof result === 'string') return failure(400, `Validation failed: ${result}`);
        return ok(
          200,
          {
            items: result.found.map((person) => ({
              result_score: 1,
              item: { id: person.id, type: 'person', name: person.name, emails: person.emails.map((e) => e.value), phones: person.phones.map((p) => p.value) },
            })),
          },
          { next_cursor: result.nextCursor },
        );
      }
      case 'POST /api/v2/persons': {
        const person: PipedrivePerson = {
          id: people.length + 1,
          name: String(body.name),
          emails: (body.emails as PipedrivePerson['emails']) ?? [],
          phones: (body.phones as PipedrivePerson['phones']) ?? [],
          org_id: (body.org_id as number) ?? null,
        };
        people.push(person);
        return ok(200, person);
      }
      case 'GET /api/v2/organizations/search': {
        // Name, address and the organization's notes, as `fields` says (all of them by default); it has no custom fields.
        const fields = searchFields(q, ['address', 'custom_fields', 'notes', 'name']);
        if (typeof fields === 'string') return failure(400, `Validation failed: ${fields}`);
        const result = searchPage(q, organizations, (org) => [
          ...(fields.includes('name') ? [org.name] : []),
          ...(fields.includes('address') && org.address ? [org.address] : []),
          ...(fields.includes('notes') ? notes.filter((note) => note.org_id === org.id).map((note) => note.content) : []),
        ]);
        if (typeof result === 'string') return failure(400, `Validation failed: ${result}`);
        return ok(
          200,
          { items: result.found.map((org) => ({ result_score: 1, item: { id: org.id, type: 'organization', name: org.name, address: org.address ?? null } })) },
          { next_cursor: result.nextCursor },
        );
      }
      case 'POST /api/v2/organizations': {
        const address = (body.address as { value?: string } | undefined)?.value;
        const organization = { id: organizations.length + 1, name: String(body.name), address: address ?? null };
        organizations.push(organization);
        return ok(200, organization);
      }
      case 'GET /v1/leads': {
        const start = Number(q.get('start') ?? 0);
        const found = leads.filter((lead) => !q.get('person_id') || String(lead.person_id) === q.get('person_id'));
        return ok(200, found.slice(start, start + Number(q.get('limit') ?? 100)));
      }
      case 'POST /v1/leads': {
        if (fault?.kind === 'invalid') return failure(400, 'Validation failed: title: Title is required');
        const wrongType = customFieldProblem(body);
        if (wrongType) return failure(400, wrongType);
        if (body.person_id === undefined && body.organization_id === undefined) return failure(400, 'A lead must be linked to a person or an organization');
        if (body.person_id !== undefined && !people.some((person) => person.id === body.person_id)) return failure(400, 'Person not found');
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const lead: PipedriveLead = {
          ...body,
          id: crypto.randomUUID(),
          title: String(body.title),
          person_id: (body.person_id as number) ?? null,
          organization_id: (body.organization_id as number) ?? null,
          origin_id: (body.origin_id as string) ?? null,
          source_name: 'API',
          origin: 'API',
          is_archived: false,
          was_seen: false,
          add_time: now,
          update_time: now,
        };
        leads.push(lead);
        if (fault?.kind === 'commitThenHang') return HANG;
        return ok(201, lead);
      }
      case 'GET /v1/notes': {
        const listed = listNotes(notes, q);
        if (typeof listed === 'string') return failure(400, `Validation failed: ${listed}`);
        return ok(200, listed.page, { pagination: listed.pagination });
      }
      case 'POST /v1/notes': {
        if (body.lead_id !== undefined && !leads.some((lead) => lead.id === body.lead_id)) return failure(400, 'Lead not found');
        const now = pipedriveTime();
        const link = (name: string) => (typeof body[name] === 'number' ? (body[name] as number) : null);
        const note: PipedriveNote = {
          id: notes.length + 1,
          content: String(body.content),
          lead_id: (body.lead_id as string) ?? null,
          pinned_to_lead_flag: body.pinned_to_lead_flag === 1,
          user_id: typeof body.user_id === 'number' ? body.user_id : TOKEN_USER_ID,
          deal_id: link('deal_id'),
          person_id: link('person_id'),
          org_id: link('org_id'),
          project_id: link('project_id'),
          task_id: link('task_id'),
          pinned_to_deal_flag: body.pinned_to_deal_flag === 1,
          pinned_to_person_flag: body.pinned_to_person_flag === 1,
          pinned_to_organization_flag: body.pinned_to_organization_flag === 1,
          pinned_to_project_flag: body.pinned_to_project_flag === 1,
          pinned_to_task_flag: body.pinned_to_task_flag === 1,
          add_time: typeof body.add_time === 'string' ? body.add_time : now,
          update_time: now,
        };
        notes.push(note);
        return ok(200, note);
      }
    }
    return failure(404, 'Unknown method');
  }

  const server = await startFakeServer((request) => {
    const key = `${request.method} ${request.path}`;
    const route = PIPEDRIVE_ROUTES[key];
    const window = burst.take();
    const rateHeaders = (remaining: number, resetMs: number) => ({
      'x-ratelimit-limit': String(burst.calls),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil(resetMs / 1000))),
    });
    if (!window.ok) return failure(429, 'Request over limit', rateHeaders(0, window.resetMs));
    if (request.headers['x-api-token'] !== PIPEDRIVE_TOKEN) return failure(401, 'unauthorized access');
    if (!route) return failure(404, 'Unknown method');
    if (tokensLeft < route.cost) return failure(429, 'Daily token budget exceeded', rateHeaders(0, 86_400_000));
    tokensLeft -= route.cost;
    const problems = requestProblems(specs[route.spec].operation(route.operationId), request.query, request.method === 'POST' ? request.json : undefined);
    if (problems.length) return failure(400, `Validation failed: ${problems.join('; ')}`);
    const fault = key === 'POST /v1/leads' ? nextFault(faults) : undefined;
    if (fault?.kind === 'rateLimited') return failure(429, 'Request over limit', fault.withReset ? rateHeaders(0, 7000) : undefined);
    if (fault?.kind === 'serverError') return failure(500, 'Internal server error');
    const answer = handle(request, fault);
    return answer === HANG ? HANG : { ...answer, headers: { ...rateHeaders(window.remaining, window.resetMs), ...answer.headers } };
  });
  return {
    url: server.url,
    options: { baseUrl: server.url, apiTokenEnv: 'PIPEDRIVE_API_TOKEN' },
    env: { PIPEDRIVE_API_TOKEN: PIPEDRIVE_TOKEN },
    badEnv: { PIPEDRIVE_API_TOKEN: 'not-a-valid-token' },
    requests: server.requests,
    people,
    organizations,
    leads,
    notes,
    leadsWithEmail(email) {
      const ids = new Set(people.filter((person) => person.emails.some((e) => e.value === email)).map((person) => person.id));
      return leads.filter((lead) => lead.person_id !== null && ids.has(lead.person_id));
    },
    linkedTo(stored) {
      const lead = stored as PipedriveLead;
      const person = people.find((item) => item.id === lead.person_id);
      const organizationIds = new Set([lead.organization_id, person?.org_id]);
      return [person, ...organizations.filter((org) => organizationIds.has(org.id)), ...notes.filter((note) => note.lead_id === lead.id)].filter(Boolean);
    },
    inject(fault) {
      faults.push(fault);
      return fault.kind === 'rateLimited' && fault.withReset ? 7000 : undefined;
    },
    close: server.close,
  };
}

/**
 * Where the adapter's default mapping puts a lead in Pipedrive: a lead from the API linked to the
 * visitor as a person with their email, the company as an organization, and a note on the lead
 * with the message and the last touch. For the browser test and the contract's `expectStored` alike.
 */
export function expectPipedriveLeadPlaced(expect: Expect, stored: unknown, lead: LeadValues, fake: PipedriveFake): void {
  const record = stored as PipedriveLead;
  const last = lead.attribution?.last;
  expect(record).toMatchObject({ source_name: 'API' });
  expect(fake.people.find((person) => person.id === record.person_id)).toMatchObject({ name: lead.fields.name, emails: [{ value: lead.fields.email }] });
  expect(fake.organizations.map((org) => org.name)).toContain(lead.fields.company);
  const note = fake.notes.find((item) => item.lead_id === record.id)!.content;
  expect(note).toContain(String(lead.fields.message));
  expect(note).toContain(`utm_source=${last?.utm_source}, utm_medium=${last?.utm_medium}, utm_campaign=${last?.utm_campaign}`);
}

/** A lead custom field of the fake company (Pipedrive names custom fields by a 40-character key). */
const UTM_CAMPAIGN_FIELD = '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c';

/**
 * The fake company's typed lead custom fields, by key and `field_type` as `GET /v1/dealFields`
 * names them: leads inherit the deal fields, and each type takes its own shape (a `double` a
 * number, a `date` "YYYY-MM-DD", a `set` its option ids joined by commas, a `varchar` text).
 */
const TYPED_FIELDS: Readonly<Record<string, { type: 'double' | 'date' | 'set' | 'varchar'; options?: readonly string[] }>> = {
  a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0: { type: 'set', options: ['crm', 'api', 'billing'] },
  b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1: { type: 'double' },
  c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2: { type: 'date' },
  [UTM_CAMPAIGN_FIELD]: { type: 'varchar' },
};
const [TOPICS_FIELD, SEATS_FIELD, START_FIELD] = Object.keys(TYPED_FIELDS) as [string, string, string];

/** Pipedrive's refusal of a custom field value its type does not take, if any. */
function customFieldProblem(body: Record<string, unknown>): string | undefined {
  for (const [key, field] of Object.entries(TYPED_FIELDS)) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    const fits =
      field.type === 'double'
        ? typeof value === 'number' && Number.isFinite(value)
        : field.type === 'date'
          ? typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
          : field.type === 'set'
            ? typeof value === 'string' && value.split(',').every((id) => field.options!.includes(id))
            : typeof value === 'string';
    if (!fits) return `Validation failed: ${key}: invalid value ${JSON.stringify(value)} for a ${field.type} field`;
  }
  return undefined;
}

export const pipedriveFake: FakeProfile<PipedriveFake> = {
  start: () => startPipedriveFake(),
  reachedThrough: (fake, url) => ({ options: { ...fake.options, baseUrl: url }, env: fake.env }),
  chaos: { share: 0.05, looksBeforeCreate: true, isCreate: (method, path) => method === 'POST' && path === '/v1/leads' },
  formEngine: {
    mapping: { topics: TOPICS_FIELD, seats: SEATS_FIELD, start: START_FIELD },
    expectArrived(expect, stored, _lead, fake) {
      const record = stored as PipedriveLead;
      expect(record).toMatchObject({ [TOPICS_FIELD]: 'crm,api', [SEATS_FIELD]: FORM_ENGINE_VALUES.seats, [START_FIELD]: FORM_ENGINE_VALUES.start });
      // The person is found and created by the E.164 number.
      expect(fake.people.find((person) => person.id === record.person_id)).toMatchObject({ phones: [{ value: FORM_ENGINE_VALUES.phone }] });
    },
  },
  browser: {
    mapping: { 'attribution.utm_campaign': UTM_CAMPAIGN_FIELD },
    expectArrived(expect, stored, lead, fake) {
      expectPipedriveLeadPlaced(expect, stored, lead, fake);
      expect(stored).toMatchObject({ [UTM_CAMPAIGN_FIELD]: lead.attribution?.last?.utm_campaign });
    },
  },
};
