/**
 * A fake Close organization answering as Close's API reference documents it: `POST /api/v1/lead/`
 * (Basic auth with the API key as user and an empty password, 401 otherwise; 200 with the Lead
 * object; 400 `{errors, field-errors}`), `GET /api/v1/lead/` with `_limit`, `_skip`, `_fields`
 * (newest first, as Close's lead list shows them), and a `RateLimit: limit=N, remaining=N,
 * reset=S` header on every answer, 429 once the window is spent. The docs give the header but
 * not the numbers; this fake allows 50 calls a second.
 */
import { type Expect, FORM_ENGINE_VALUES, type FakeProfile, type LeadValues } from './profile.ts';
import { type Fault, type FakeResponse, type FakeVendor, HANG, nextFault, startFakeServer, WindowLimit } from './server.ts';

export type CloseLead = Record<string, unknown> & {
  id: string;
  contacts: { name?: string; title?: string; emails?: { email: string; type: string }[]; phones?: { phone: string; type: string }[] }[];
};

export const CLOSE_API_KEY = 'api_3xAmPl3t3stK3y.9f8e7d6c';
const WINDOW = { calls: 50, perMs: 1000 };

/**
 * The fake organization's custom fields, as `GET /custom_field/lead/` describes them: a choices
 * field accepting multiple values (a list of its choices), a number, a date ("YYYY-MM-DD").
 */
const CUSTOM_FIELDS: Readonly<
  Record<string, { type: 'choices' | 'number' | 'date' | 'text'; choices?: readonly string[]; accepts_multiple_values?: boolean }>
> = {
  cf_Topics5678: { type: 'choices', choices: ['crm', 'api', 'billing'], accepts_multiple_values: true },
  cf_Seats9012: { type: 'number' },
  cf_Start3456: { type: 'date' },
};

function customFieldError(field: (typeof CUSTOM_FIELDS)[string], value: unknown): string | undefined {
  if (field.type === 'choices') {
    const values = field.accepts_multiple_values ? value : [value];
    if (!Array.isArray(values)) return 'This field accepts multiple values: send a list.';
    return values.every((one) => field.choices!.includes(one as string)) ? undefined : 'Not a valid choice.';
  }
  if (field.type === 'number') return typeof value === 'number' && Number.isFinite(value) ? undefined : 'A valid number is required.';
  if (field.type === 'date') return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : 'Not a valid date (YYYY-MM-DD).';
  return typeof value === 'string' ? undefined : 'Not a valid string.';
}

function fieldErrors(body: unknown): Record<string, string> | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { __all__: 'The request body must be a JSON object.' };
  const lead = body as Record<string, unknown>;
  const errors: Record<string, string> = {};
  for (const key of ['name', 'description', 'status_id', 'url']) {
    if (lead[key] !== undefined && typeof lead[key] !== 'string') errors[key] = 'Not a valid string.';
  }
  if (lead.contacts !== undefined) {
    if (!Array.isArray(lead.contacts)) errors.contacts = 'Not a valid list.';
    else
      lead.contacts.forEach((contact: Record<string, unknown>, i: number) => {
        const emails = contact.emails as { email?: unknown }[] | undefined;
        const phones = contact.phones as { phone?: unknown }[] | undefined;
        if (emails && (!Array.isArray(emails) || emails.some((e) => typeof e?.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(e.email))))
          errors[`contacts.${i}.emails`] = 'Invalid email address.';
        if (phones && (!Array.isArray(phones) || phones.some((p) => typeof p?.phone !== 'string'))) errors[`contacts.${i}.phones`] = 'Invalid phone number.';
      });
  }
  for (const key of Object.keys(lead)) {
    if (key.startsWith('custom.') && !key.startsWith('custom.cf_')) errors[key] = 'Set custom fields by their id: custom.cf_….';
    const custom = CUSTOM_FIELDS[key.slice('custom.'.length)];
    const wrong = key.startsWith('custom.') && custom ? customFieldError(custom, lead[key]) : undefined;
    if (wrong) errors[key] = wrong;
  }
  if (lead.addresses !== undefined) {
    const addresses = lead.addresses as { country?: unknown }[];
    // Close keeps an address's country as its ISO 3166-1 alpha-2 code.
    if (!Array.isArray(addresses) || addresses.some((a) => a?.country !== undefined && !/^[A-Z]{2}$/.test(String(a.country))))
      errors.addresses = 'Invalid address: country is a two-letter country code.';
  }
  return Object.keys(errors).length ? errors : undefined;
}

export type CloseFake = FakeVendor & { leads: CloseLead[] };

export async function startCloseFake(): Promise<CloseFake> {
  const faults: Fault[] = [];
  const leads: CloseLead[] = [];
  const limit = new WindowLimit(WINDOW.calls, WINDOW.perMs);
  const expected = `Basic ${Buffer.from(`${CLOSE_API_KEY}:`).toString('base64')}`;

  const server = await startFakeServer((request) => {
    const taken = limit.take();
    const resetS = Math.max(1, Math.ceil(taken.resetMs / 1000));
    const rateHeaders = { RateLimit: `limit=${WINDOW.calls}, remaining=${taken.ok ? taken.remaining : 0}, reset=${resetS}` };
    if (!taken.ok) return { status: 429, headers: rateHeaders, json: { error: 'Too many requests' } };
    const answer = (response: FakeResponse): FakeResponse => ({ ...response, headers: { ...rateHeaders, ...response.headers } });
    if (request.headers.authorization !== expected) return answer({ status: 401, json: { error: 'The API key is invalid.' } });
    if (request.path !== '/api/v1/lead/') return answer({ status: 404, json: { error: 'Not found' } });
    if (request.method === 'GET') {
      const limitN = Number(request.query.get('_limit') ?? 100);
      const skip = Number(request.query.get('_skip') ?? 0);
      const fields = request.query.get('_fields')?.split(',');
      const newest = [...leads].reverse().slice(skip, skip + limitN);
      const data = newest.map((lead) => (fields ? Object.fromEntries(fields.map((key) => [key, lead[key]])) : lead));
      return answer({ status: 200, json: { has_more: skip + limitN < leads.length, data } });
    }
    if (request.method !== 'POST') return answer({ status: 405, json: { error: 'Method not allowed' } });
    const fault = nextFault(faults);
    if (fault?.kind === 'rateLimited')
      return {
        status: 429,
        headers: fault.withReset ? { RateLimit: `limit=${WINDOW.calls}, remaining=0, reset=7` } : {},
        json: { error: 'Too many requests' },
      };
    if (fault?.kind === 'serverError') return answer({ status: 502, json: { error: 'Bad gateway' } });
    const errors = fault?.kind === 'invalid' ? { status_id: 'Invalid status id.' } : fieldErrors(request.json);
    if (errors) return answer({ status: 400, json: { errors: [], 'field-errors': errors } });
    const body = request.json as Record<string, unknown>;
    const now = new Date().toISOString();
    const lead: CloseLead = {
      ...body,
      id: `lead_${crypto.randomUUID().replace(/-/g, '')}`,
      contacts: (body.contacts as CloseLead['contacts']) ?? [],
      date_created: now,
      date_updated: now,
      status_id: body.status_id ?? 'stat_default',
      status_label: 'Potential',
      organization_id: 'orga_test',
    };
    leads.push(lead);
    if (fault?.kind === 'commitThenHang') return HANG;
    return answer({ status: 200, json: lead });
  });
  return {
    url: server.url,
    options: { baseUrl: server.url, apiKeyEnv: 'CLOSE_API_KEY' },
    env: { CLOSE_API_KEY },
    badEnv: { CLOSE_API_KEY: 'api_wrongkey' },
    requests: server.requests,
    leads,
    leadsWithEmail: (email) => leads.filter((lead) => lead.contacts.some((contact) => contact.emails?.some((item) => item.email === email))),
    inject(fault) {
      faults.push(fault);
      return fault.kind === 'rateLimited' && fault.withReset ? 7000 : undefined;
    },
    close: server.close,
  };
}

/**
 * Where the adapter's default mapping puts a lead in Close: the company names the lead, the person
 * is its one contact, the message is in the description. For the browser test and the contract's
 * `expectStored` alike.
 */
export function expectCloseLeadPlaced(expect: Expect, stored: unknown, lead: LeadValues): void {
  const record = stored as CloseLead;
  expect(record).toMatchObject({ name: lead.fields.company, contacts: [{ name: lead.fields.name, emails: [{ email: lead.fields.email }] }] });
  expect(record.description).toContain(String(lead.fields.message));
}

/** The custom field the browser test maps the campaign's source to (Close sets custom fields by their id). */
const UTM_SOURCE_FIELD = 'cf_UtmSource1234';

export const closeFake: FakeProfile<CloseFake> = {
  start: startCloseFake,
  reachedThrough: (fake, url) => ({ options: { ...fake.options, baseUrl: url }, env: fake.env }),
  chaos: { share: 0.32, looksBeforeCreate: true, isCreate: (method, path) => method === 'POST' && path === '/api/v1/lead/' },
  formEngine: {
    mapping: { topics: 'cf_Topics5678', seats: 'cf_Seats9012', start: 'cf_Start3456' },
    expectArrived(expect, stored) {
      expect(stored).toMatchObject({
        'custom.cf_Topics5678': [...FORM_ENGINE_VALUES.topics],
        'custom.cf_Seats9012': FORM_ENGINE_VALUES.seats,
        'custom.cf_Start3456': FORM_ENGINE_VALUES.start,
        url: FORM_ENGINE_VALUES.website,
        addresses: [{ country: FORM_ENGINE_VALUES.country }],
        contacts: [{ phones: [{ phone: FORM_ENGINE_VALUES.phone }] }],
      });
    },
  },
  browser: {
    mapping: { 'attribution.utm_source': UTM_SOURCE_FIELD },
    expectArrived(expect, stored, lead) {
      expectCloseLeadPlaced(expect, stored, lead);
      expect(stored).toMatchObject({ [`custom.${UTM_SOURCE_FIELD}`]: lead.attribution?.last?.utm_source });
    },
  },
};
