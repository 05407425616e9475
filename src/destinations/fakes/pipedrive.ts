/**
 * A fake Pipedrive company answering as Pipedrive's API reference says, and validating every
 * request against the operations cut from Pipedrive's own OpenAPI documents (./specs: v1
 * `addLead`, `addNote`, `getLeads`, `getNotes`; v2 `searchPersons`, `addPerson`,
 * `searchOrganization`, `addOrganization`): a request
 * the schema refuses gets Pipedrive's 400 `{success: false, error, error_info}`. Auth is the
 * `x-api-token` header (401 otherwise). Rate limits are token based: each operation costs its
 * `x-token-cost` from the spec against a daily budget, and requests count against a 2-second
 * burst window; past either, 429 with `x-ratelimit-limit`, `x-ratelimit-remaining` and
 * `x-ratelimit-reset` (seconds).
 */
import { fileURLToPath } from 'node:url';
import { loadOpenApi, requestProblems } from './openapi.ts';
import type { Expect, FakeProfile, LeadValues } from './profile.ts';
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
        const term = q.get('term')!.toLowerCase();
        const fields = q.get('fields')?.split(',') ?? ['email', 'phone', 'name'];
        const matches = (value: string) => (q.get('exact_match') === 'true' ? value.toLowerCase() === term : value.toLowerCase().includes(term));
        const found = people.filter(
          (person) =>
            (fields.includes('email') && person.emails.some((email) => matches(email.value))) ||
            (fields.includes('phone') && person.phones.some((phone) => matches(phone.value))) ||
            (fields.includes('name') && matches(person.name)),
        );
        return ok(200, {
          items: found.slice(0, Number(q.get('limit') ?? 100)).map((person) => ({
            result_score: 1,
            item: { id: person.id, type: 'person', name: person.name, emails: person.emails.map((e) => e.value), phones: person.phones.map((p) => p.value) },
          })),
        });
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
        const term = q.get('term')!.toLowerCase();
        return ok(200, {
          items: organizations
            .filter((org) => org.name.toLowerCase() === term)
            .map((org) => ({ result_score: 1, item: { id: org.id, type: 'organization', name: org.name } })),
        });
      }
      case 'POST /api/v2/organizations': {
        const organization = { id: organizations.length + 1, name: String(body.name) };
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
      case 'GET /v1/notes':
        return ok(
          200,
          notes.filter((note) => !q.get('lead_id') || note.lead_id === q.get('lead_id')),
        );
      case 'POST /v1/notes': {
        if (body.lead_id !== undefined && !leads.some((lead) => lead.id === body.lead_id)) return failure(400, 'Lead not found');
        const note: PipedriveNote = {
          id: notes.length + 1,
          content: String(body.content),
          lead_id: (body.lead_id as string) ?? null,
          pinned_to_lead_flag: body.pinned_to_lead_flag === 1,
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

export const pipedriveFake: FakeProfile<PipedriveFake> = {
  start: () => startPipedriveFake(),
  reachedThrough: (fake, url) => ({ options: { ...fake.options, baseUrl: url }, env: fake.env }),
  chaos: { share: 0.05, looksBeforeCreate: true, isCreate: (method, path) => method === 'POST' && path === '/v1/leads' },
  browser: {
    mapping: { 'attribution.utm_campaign': UTM_CAMPAIGN_FIELD },
    expectArrived(expect, stored, lead, fake) {
      expectPipedriveLeadPlaced(expect, stored, lead, fake);
      expect(stored).toMatchObject({ [UTM_CAMPAIGN_FIELD]: lead.attribution?.last?.utm_campaign });
    },
  },
};
