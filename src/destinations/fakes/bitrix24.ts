/**
 * A fake Bitrix24 portal answering its inbound webhook as Bitrix24's REST documentation
 * (b24restdocs) says: `crm.lead.add` (fields as documented, multifields as
 * `[{VALUE, VALUE_TYPE}]`, 200 `{result: ID, time}`), `crm.lead.list` with `filter[=FIELD]`,
 * `NO_AUTH_FOUND` (401) for a wrong webhook code, the leaky bucket (burst 50, 2 per second)
 * answered 503 `QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT` (429) and `time.operating_reset_at`.
 */
import { type Expect, FORM_ENGINE_VALUES, type FakeProfile, type LeadValues } from './profile.ts';
import { type Fault, type FakeResponse, type FakeVendor, HANG, nextFault, startFakeServer } from './server.ts';

/** The fields crm.lead.add documents; Bitrix24 ignores any other key except custom `UF_` ones. */
const LEAD_FIELDS = new Set(
  'ADDRESS ADDRESS_2 ADDRESS_CITY ADDRESS_COUNTRY ADDRESS_COUNTRY_CODE ADDRESS_POSTAL_CODE ADDRESS_PROVINCE ADDRESS_REGION ASSIGNED_BY_ID BIRTHDATE COMMENTS COMPANY_ID COMPANY_TITLE CONTACT_ID CONTACT_IDS CURRENCY_ID EMAIL HONORIFIC IM LINK LAST_NAME NAME SECOND_NAME OPENED OPPORTUNITY IS_MANUAL_OPPORTUNITY ORIGINATOR_ID ORIGIN_ID PHONE POST SOURCE_DESCRIPTION SOURCE_ID STATUS_DESCRIPTION STATUS_ID TITLE UTM_CAMPAIGN UTM_CONTENT UTM_MEDIUM UTM_SOURCE UTM_TERM WEB'.split(
    ' ',
  ),
);
const MULTIFIELD_TYPES: Record<string, string[]> = {
  PHONE: ['WORK', 'MOBILE', 'FAX', 'HOME', 'PAGER', 'MAILING', 'OTHER'],
  EMAIL: ['WORK', 'HOME', 'MAILING', 'OTHER'],
  WEB: ['WORK', 'HOME', 'VK', 'LIVEJOURNAL', 'TWITTER', 'OTHER'],
  IM: ['TELEGRAM', 'VK', 'SKYPE', 'VIBER', 'BITRIX24', 'OPENLINE', 'IMOL', 'ICQ', 'MSN', 'JABBER', 'OTHER'],
};

/**
 * The fake portal's custom lead fields as `crm.lead.fields` describes them: a multiple list
 * (`isMultiple`, an array of values), a `double` and a `date`. Bitrix24 answers 400 for a
 * value its field cannot hold.
 */
const USER_FIELDS: Readonly<Record<string, { type: 'enumeration' | 'double' | 'date'; isMultiple: boolean }>> = {
  UF_CRM_TOPICS: { type: 'enumeration', isMultiple: true },
  UF_CRM_SEATS: { type: 'double', isMultiple: false },
  UF_CRM_START: { type: 'date', isMultiple: false },
};

function userFieldProblem(key: string, value: unknown): string | undefined {
  const field = USER_FIELDS[key];
  if (!field) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) !== field.isMultiple) return `Field ${key} ${field.isMultiple ? 'is multiple: pass an array' : 'is not multiple'}.`;
  const fits = (one: unknown) =>
    field.type === 'double'
      ? (typeof one === 'number' && Number.isFinite(one)) || (typeof one === 'string' && one.trim() !== '' && Number.isFinite(Number(one)))
      : field.type === 'date'
        ? typeof one === 'string' && /^\d{4}-\d{2}-\d{2}/.test(one)
        : typeof one === 'string' || typeof one === 'number';
  return values.every(fits) ? undefined : `Invalid value of field ${key} (${field.type}).`;
}

export type Bitrix24Lead = Record<string, unknown> & { ID: string };

export const BITRIX24_WEBHOOK_CODE = 'k3x9w2testcode';

/** A contact of the portal, with its communications as `crm.contact.add` keeps them. */
export interface Bitrix24Contact {
  ID: number;
  PHONE?: { VALUE: string }[];
  EMAIL?: { VALUE: string }[];
}

export type Bitrix24Fake = FakeVendor & { leads: Bitrix24Lead[]; contacts: Bitrix24Contact[] };

/**
 * How Bitrix24 compares phones in `crm.duplicate.findbycomm`: by their digits (it keeps a
 * normalized copy of each number), not as written, and without an extension.
 */
function phoneDigits(phone: string): string {
  return phone.replace(/\s*(ext\.?|x|#)\s*\d+$/i, '').replace(/\D/g, '');
}

export async function startBitrix24Fake(): Promise<Bitrix24Fake> {
  const faults: Fault[] = [];
  const leads: Bitrix24Lead[] = [];
  const contacts: Bitrix24Contact[] = [];
  let bucket = 0;
  let drainedAt = Date.now();
  let firstCallAt: number | undefined;
  const operatingResetAt = () => Math.floor(((firstCallAt ?? Date.now()) + 600_000) / 1000);

  const time = () => {
    const now = Date.now() / 1000;
    return {
      start: now,
      finish: now,
      duration: 0.01,
      processing: 0.005,
      date_start: new Date().toISOString(),
      date_finish: new Date().toISOString(),
      operating_reset_at: operatingResetAt(),
      operating: 0.5,
    };
  };
  const error = (status: number, code: string, description: string): FakeResponse => ({ status, json: { error: code, error_description: description } });

  function problemsOf(fields: unknown): string | undefined {
    if (!fields || typeof fields !== 'object') return "Parameter 'fields' is required.";
    for (const [key, value] of Object.entries(fields)) {
      const wrongType = userFieldProblem(key, value);
      if (wrongType) return wrongType;
      const types = MULTIFIELD_TYPES[key];
      if (!types) continue;
      if (!Array.isArray(value)) return `Field ${key} must be an array of {VALUE, VALUE_TYPE}.`;
      for (const item of value as { VALUE?: unknown; VALUE_TYPE?: unknown }[]) {
        if (typeof item?.VALUE !== 'string' || !types.includes(String(item.VALUE_TYPE))) return `Invalid ${key} value.`;
      }
    }
    return undefined;
  }

  const server = await startFakeServer((request) => {
    const match = request.path.match(/^\/rest\/(\d+)\/([^/]+)\/([a-z.]+?)(?:\.json)?$/);
    if (!match) return { status: 404, json: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' } };
    const [, , code, method] = match;
    // Leaky bucket, counted per request before anything else (the documentation's page on limits).
    const now = Date.now();
    bucket = Math.max(0, bucket - ((now - drainedAt) / 1000) * 2);
    drainedAt = now;
    if (bucket + 1 > 50) return error(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');
    bucket += 1;
    if (code !== BITRIX24_WEBHOOK_CODE) return error(401, 'NO_AUTH_FOUND', 'Wrong authorization data');
    firstCallAt ??= now;
    const body = (request.json ?? {}) as { fields?: Record<string, unknown>; filter?: Record<string, unknown>; select?: string[] };
    if (method === 'crm.lead.list') {
      const filter = Object.entries(body.filter ?? {});
      const found = leads.filter((lead) => filter.every(([key, value]) => String(lead[key.replace(/^=/, '')]) === String(value)));
      return { status: 200, json: { result: found.map((lead) => ({ ID: lead.ID })), total: found.length, time: time() } };
    }
    if (method === 'crm.duplicate.findbycomm') {
      const { type, values, entity_type: entityType } = request.json as { type?: string; values?: unknown; entity_type?: string };
      if (!type) return error(400, 'Communication type is not defined', "Parameter 'type' is required.");
      if (type !== 'PHONE' && type !== 'EMAIL') return error(400, `Communication type '${type}' is not supported in current context`, '');
      if (!Array.isArray(values) || !values.length) return error(400, 'Communication values is not defined', "Parameter 'values' is required.");
      const wanted = (values as string[]).slice(0, 20).map((value) => (type === 'PHONE' ? phoneDigits(String(value)) : String(value).toLowerCase()));
      const matches = (items: { VALUE: string }[] | undefined) =>
        (items ?? []).some((item) => wanted.includes(type === 'PHONE' ? phoneDigits(item.VALUE) : item.VALUE.toLowerCase()));
      const result: Record<string, number[]> = {};
      const found = contacts.filter((contact) => matches(type === 'PHONE' ? contact.PHONE : contact.EMAIL)).map((contact) => contact.ID);
      if (found.length && (!entityType || entityType === 'CONTACT')) result.CONTACT = found;
      // An empty find answers an empty list, as the portal does.
      return { status: 200, json: { result: Object.keys(result).length ? result : [], time: time() } };
    }
    if (method !== 'crm.lead.add') return error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
    const fault = nextFault(faults);
    if (fault?.kind === 'rateLimited') {
      return fault.withReset
        ? error(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.')
        : error(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');
    }
    if (fault?.kind === 'serverError') return error(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    const problem = fault?.kind === 'invalid' ? 'Access denied.' : problemsOf(body.fields);
    if (problem) return error(400, '', problem);
    const stored: Bitrix24Lead = { ID: String(leads.length + 1) };
    for (const [key, value] of Object.entries(body.fields!)) {
      if (LEAD_FIELDS.has(key) || key.startsWith('UF_')) stored[key] = value;
    }
    leads.push(stored);
    if (fault?.kind === 'commitThenHang') return HANG;
    return { status: 200, json: { result: Number(stored.ID), time: time() } };
  });
  return {
    url: server.url,
    options: { webhookUrlEnv: 'BITRIX24_WEBHOOK_URL' },
    env: { BITRIX24_WEBHOOK_URL: `${server.url}/rest/1/${BITRIX24_WEBHOOK_CODE}/` },
    badEnv: { BITRIX24_WEBHOOK_URL: `${server.url}/rest/1/wrongcode000/` },
    requests: server.requests,
    leads,
    contacts,
    leadsWithEmail: (email) => leads.filter((lead) => (lead.EMAIL as { VALUE: string }[] | undefined)?.some((item) => item.VALUE === email)),
    inject(fault) {
      faults.push(fault);
      return fault.kind === 'rateLimited' && fault.withReset ? operatingResetAt() * 1000 - Date.now() : undefined;
    },
    close: server.close,
  };
}

/**
 * Where the adapter's default mapping puts a lead in Bitrix24: the name split into NAME and
 * LAST_NAME, the company title, the last touch in the UTM_ fields, leadform as the originator, the
 * message in COMMENTS. For the browser test and the contract's `expectStored` alike.
 */
export function expectBitrix24LeadPlaced(expect: Expect, stored: unknown, lead: LeadValues): void {
  const record = stored as Bitrix24Lead;
  const last = lead.attribution?.last;
  const [first, ...rest] = String(lead.fields.name).split(' ');
  expect(record).toMatchObject({
    NAME: first,
    LAST_NAME: rest.join(' '),
    COMPANY_TITLE: lead.fields.company,
    UTM_SOURCE: last?.utm_source,
    UTM_MEDIUM: last?.utm_medium,
    UTM_CAMPAIGN: last?.utm_campaign,
    ORIGINATOR_ID: 'leadform',
  });
  expect(record.COMMENTS).toContain(String(lead.fields.message));
}

export const bitrix24Fake: FakeProfile<Bitrix24Fake> = {
  start: startBitrix24Fake,
  // The adapter's only address is the inbound webhook URL, a secret: the proxy goes in there.
  reachedThrough: (fake, url) => ({
    options: fake.options,
    env: { BITRIX24_WEBHOOK_URL: fake.env.BITRIX24_WEBHOOK_URL!.replace(fake.url, url) },
  }),
  chaos: {
    share: 0.06,
    looksBeforeCreate: true,
    isCreate: (method, path) => method === 'POST' && /crm\.lead\.add(\.json)?$/.test(path),
    // The operation-time reset falls up to 10 minutes away (the documentation's page on limits):
    // honouring it would outlast a bounded run, so this vendor meets the leaky bucket's 503 only.
    without: ['vendor:rateLimited:reset'],
  },
  browser: { expectArrived: expectBitrix24LeadPlaced },
  formEngine: {
    mapping: { topics: 'UF_CRM_TOPICS', seats: 'UF_CRM_SEATS', start: 'UF_CRM_START' },
    expectArrived(expect, stored) {
      expect(stored).toMatchObject({
        UF_CRM_TOPICS: [...FORM_ENGINE_VALUES.topics],
        UF_CRM_SEATS: FORM_ENGINE_VALUES.seats,
        UF_CRM_START: FORM_ENGINE_VALUES.start,
        WEB: [{ VALUE: FORM_ENGINE_VALUES.website, VALUE_TYPE: 'WORK' }],
        ADDRESS_COUNTRY_CODE: FORM_ENGINE_VALUES.country,
        PHONE: [{ VALUE: FORM_ENGINE_VALUES.phone, VALUE_TYPE: 'WORK' }],
      });
    },
  },
};
