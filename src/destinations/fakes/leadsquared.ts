/**
 * A fake LeadSquared account answering as LeadSquared's Lead.Create reference and the README say:
 * `Lead.Create` and `Lead.CreateOrUpdate` (with `SearchBy`) under /v2/LeadManagement.svc, keys
 * in `x-LSQ-AccessKey`/`x-LSQ-SecretKey` or the query string (401 otherwise), an array of
 * `{Attribute, Value}` with at least one of FirstName, LastName, EmailAddress, Phone (400
 * otherwise), EmailAddress and Phone unique (HTTP 500 `MXDuplicateEntryException`), and 429
 * past 25 calls in 5 s with no Retry-After.
 */
import { type Expect, FORM_ENGINE_VALUES, type FakeProfile, type LeadValues } from './profile.ts';
import { type Fault, type FakeResponse, type FakeVendor, HANG, nextFault, startFakeServer, WindowLimit } from './server.ts';

/** The account's lead metadata: standard schema names; custom fields are any `mx_` name. */
const LEAD_FIELDS = new Set(
  'FirstName LastName EmailAddress Phone Mobile Company JobTitle Website Notes Source SourceMedium SourceCampaign SourceContent SourceReferrerURL ProspectStage OwnerId City State Country'.split(
    ' ',
  ),
);
const UNIQUE = ['EmailAddress', 'Phone'] as const;

export type LeadSquaredLead = Record<string, string> & { ProspectID: string };

/**
 * The fake account's custom lead fields by schema name and data type, as its lead metadata would
 * list them: every Value is text, a Number's must read as a number, a Date's as "YYYY-MM-DD", and
 * a multi-select dropdown's is its options joined by semicolons.
 */
const CUSTOM_FIELDS: Readonly<Record<string, { type: 'Number' | 'Date' | 'MultiSelect'; options?: readonly string[] }>> = {
  mx_Topics: { type: 'MultiSelect', options: ['crm', 'api', 'billing'] },
  mx_Seats: { type: 'Number' },
  mx_Start: { type: 'Date' },
};

function customValueProblem(attribute: string, value: unknown): string | undefined {
  const field = CUSTOM_FIELDS[attribute];
  if (!field) return undefined;
  const text = typeof value === 'string' ? value : undefined;
  const fits =
    text !== undefined &&
    (field.type === 'Number'
      ? text.trim() !== '' && Number.isFinite(Number(text))
      : field.type === 'Date'
        ? /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(text)
        : text.split(';').every((option) => field.options!.includes(option)));
  return fits ? undefined : `Invalid value for ${attribute} (${field.type})`;
}

export const LSQ_ACCESS_KEY = 'u$r1d3f8c9e0testaccess';
export const LSQ_SECRET_KEY = 'f00dcafe0123456789testsecret';

export type LeadSquaredFake = FakeVendor & { leads: LeadSquaredLead[] };

export async function startLeadSquaredFake(): Promise<LeadSquaredFake> {
  const faults: Fault[] = [];
  const leads: LeadSquaredLead[] = [];
  const limit = new WindowLimit(25, 5000);
  const error = (status: number, type: string, message: string): FakeResponse => ({
    status,
    json: { Status: 'Error', ExceptionType: type, ExceptionMessage: message },
  });

  const server = await startFakeServer((request) => {
    if (!limit.take().ok) return error(429, 'MXAPIRateLimitExceededException', 'API calls exceeded the limit of 25 in 5 second(s)');
    const accessKey = request.headers['x-lsq-accesskey'] ?? request.query.get('accessKey');
    const secretKey = request.headers['x-lsq-secretkey'] ?? request.query.get('secretKey');
    if (accessKey !== LSQ_ACCESS_KEY || secretKey !== LSQ_SECRET_KEY) return error(401, 'MXUnAuthorizedAccessException', 'Invalid AccessKey or SecretKey');
    const method = request.path.match(/^\/v2\/LeadManagement\.svc\/(Lead\.Create|Lead\.CreateOrUpdate)$/)?.[1];
    if (!method || request.method !== 'POST') return error(404, 'MXInvalidAPIException', 'The API could not be found');
    if (!String(request.headers['content-type']).startsWith('application/json'))
      return error(400, 'MXInvalidInputException', 'Content type must be application/json');
    const body = request.json;
    if (!Array.isArray(body) || !body.every((item) => item && typeof item.Attribute === 'string' && 'Value' in item)) {
      return error(400, 'MXInvalidInputException', 'The body must be an array of {"Attribute", "Value"}');
    }
    const values: Record<string, string> = {};
    let searchBy: string | undefined;
    for (const { Attribute, Value } of body as { Attribute: string; Value: unknown }[]) {
      if (Attribute === 'SearchBy' && method === 'Lead.CreateOrUpdate') searchBy = String(Value);
      else if (customValueProblem(Attribute, Value)) return error(400, 'MXInvalidInputException', customValueProblem(Attribute, Value)!);
      else if (LEAD_FIELDS.has(Attribute) || Attribute.startsWith('mx_')) values[Attribute] = String(Value);
      else return error(400, 'MXInvalidInputException', `Invalid attribute: ${Attribute}`);
    }
    if (!['FirstName', 'LastName', 'EmailAddress', 'Phone'].some((name) => values[name])) {
      return error(400, 'MXInvalidInputException', 'Pass at least one of FirstName, LastName, EmailAddress, Phone');
    }
    const fault = nextFault(faults);
    if (fault?.kind === 'invalid') return error(400, 'MXInvalidInputException', 'Invalid value for EmailAddress');
    if (fault?.kind === 'rateLimited') return error(429, 'MXAPIRateLimitExceededException', 'API calls exceeded the limit of 25 in 5 second(s)');
    if (fault?.kind === 'serverError') return error(500, 'MXException', 'The API call failed');
    const same = (lead: LeadSquaredLead, name: string) => Boolean(values[name]) && lead[name]?.toLowerCase() === values[name]!.toLowerCase();
    const found = searchBy ? leads.find((lead) => same(lead, searchBy!)) : undefined;
    const clash = leads.find((lead) => lead !== found && UNIQUE.some((name) => same(lead, name)));
    if (clash) return error(500, 'MXDuplicateEntryException', 'A Lead with same Email Address or Phone Number already exists.');
    let lead = found;
    if (lead) Object.assign(lead, values);
    else leads.push((lead = { ...values, ProspectID: crypto.randomUUID() }));
    if (fault?.kind === 'commitThenHang') return HANG;
    const message = method === 'Lead.Create' ? { Id: lead.ProspectID } : { Id: lead.ProspectID, AffectedRows: 1, IsCreated: !found };
    return { status: 200, json: { Status: 'Success', Message: message } };
  });
  return {
    url: server.url,
    options: { baseUrl: server.url, accessKeyEnv: 'LSQ_ACCESS_KEY', secretKeyEnv: 'LSQ_SECRET_KEY' },
    env: { LSQ_ACCESS_KEY, LSQ_SECRET_KEY },
    badEnv: { LSQ_ACCESS_KEY, LSQ_SECRET_KEY: 'not-the-secret-key' },
    requests: server.requests,
    leads,
    leadsWithEmail: (email) => leads.filter((lead) => lead.EmailAddress === email),
    inject(fault) {
      faults.push(fault);
      return undefined;
    },
    close: server.close,
  };
}

/**
 * Where the adapter's default mapping puts a lead in LeadSquared: the standard name, email and
 * company fields, the last touch in Source, SourceMedium and SourceCampaign, the message in Notes.
 * For the browser test and the contract's `expectStored` alike.
 */
export function expectLeadSquaredLeadPlaced(expect: Expect, stored: unknown, lead: LeadValues): void {
  const record = stored as LeadSquaredLead;
  const last = lead.attribution?.last;
  expect(record).toMatchObject({
    FirstName: String(lead.fields.name).split(' ')[0],
    EmailAddress: lead.fields.email,
    Company: lead.fields.company,
    Source: last?.utm_source,
    SourceMedium: last?.utm_medium,
    SourceCampaign: last?.utm_campaign,
  });
  expect(record.Notes).toContain(String(lead.fields.message));
}

export const leadSquaredFake: FakeProfile<LeadSquaredFake> = {
  start: startLeadSquaredFake,
  reachedThrough: (fake, url) => ({ options: { ...fake.options, baseUrl: url }, env: fake.env }),
  // Both LeadSquared methods create (or update) a lead.
  chaos: { share: 0.13, looksBeforeCreate: true, isCreate: (method) => method === 'POST' },
  browser: { expectArrived: expectLeadSquaredLeadPlaced },
  formEngine: {
    mapping: { topics: 'mx_Topics', seats: 'mx_Seats', start: 'mx_Start' },
    expectArrived(expect, stored) {
      expect(stored).toMatchObject({
        mx_Topics: FORM_ENGINE_VALUES.topics.join(';'),
        mx_Seats: String(FORM_ENGINE_VALUES.seats),
        mx_Start: FORM_ENGINE_VALUES.start,
        Website: FORM_ENGINE_VALUES.website,
        Phone: FORM_ENGINE_VALUES.phone,
      });
    },
  },
};
