/**
 * Bitrix24: `crm.lead.add` through an inbound webhook URL
 * (`https://PORTAL/rest/USER_ID/WEBHOOK_CODE/`, which is itself the secret). UTM fields are
 * Bitrix24's own (`UTM_SOURCE` …); email, phone and website are multifields; the message,
 * the remaining fields and both touches go to `COMMENTS`. Bitrix24 has no idempotency key, so
 * every lead carries `ORIGINATOR_ID` "leadform" and `ORIGIN_ID` = the submission id, and an
 * attempt after an uncertain one first asks `crm.lead.list` for that origin id.
 */
import * as z from 'zod/mini';
import type { Checked } from '../schema/checked.ts';
import { afterCommit, classify, field, isSuccess, joinUrl, resetToMs, send, type VendorAnswer } from './http.ts';
import { leadNote, leadTitle, mapLead, mapLeadTyped, mergeMapping, placedFields, mapNameParts, type Mapping } from './mapping.ts';
import { type AdapterContext, defineDestination } from './define.ts';
import type { DeliveryOutcome } from './types.ts';
import { isCountryCode } from '../schema/countries.ts';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';

export const Bitrix24Options = z.strictObject({
  /** The environment variable holding the inbound webhook URL, e.g. `https://acme.bitrix24.com/rest/1/abc123xyz/`. Required. */
  webhookUrlEnv: envName('BITRIX24_WEBHOOK_URL'),
  /**
   * Replaces the scheme and host of the webhook URL (an on-premise portal behind another name, a
   * fake in tests); the `/rest/USER_ID/CODE/` path is kept.
   * @default the webhook URL's own host
   */
  baseUrl: z.optional(z.url()),
  /** `SOURCE_ID` of every lead, from the portal's SOURCE directory. @default "WEB" */
  sourceId: z._default(z.string(), 'WEB'),
  /** `STATUS_ID` (stage) of new leads. @default the portal's first stage */
  statusId: z.optional(z.string()),
  /** `ASSIGNED_BY_ID`: the user responsible for new leads. @default the webhook's owner */
  assignedById: z.optional(z.int()),
  /** Registers the lead in the activity stream and notifies the responsible user. @default true */
  registerEvent: z._default(z.boolean(), true),
  /**
   * Links the lead to a contact the portal already has with the same phone (E.164, as the relay
   * stores it), else the same email, found with `crm.duplicate.findbycomm` (one more call per
   * lead) and set as `CONTACT_ID`. @default false
   */
  linkExistingContact: z._default(z.boolean(), false),
});

/**
 * Defaults; a form's `mapping` overrides them (`{"industry": "UF_CRM_1700000000"}`). A custom
 * `UF_` field (or a standard one such as `OPPORTUNITY`) gets a `number` field's value as a number
 * (double, integer), a `date` as "YYYY-MM-DD" (date), and a `checkboxes` list as an array
 * (a field with `isMultiple`); a URL goes to the `WEB` multifield, a country (ISO code) to
 * `ADDRESS_COUNTRY_CODE`, and the phone, already E.164, to the `PHONE` multifield.
 */
export const BITRIX24_MAPPING: Mapping = {
  first_name: 'NAME',
  last_name: 'LAST_NAME',
  email: 'EMAIL',
  phone: 'PHONE',
  website: 'WEB',
  country: 'ADDRESS_COUNTRY_CODE',
  company: 'COMPANY_TITLE',
  job_title: 'POST',
  'attribution.utm_source': 'UTM_SOURCE',
  'attribution.utm_medium': 'UTM_MEDIUM',
  'attribution.utm_campaign': 'UTM_CAMPAIGN',
  'attribution.utm_content': 'UTM_CONTENT',
  'attribution.utm_term': 'UTM_TERM',
};

const MULTIFIELDS = new Set(['EMAIL', 'PHONE', 'WEB', 'IM']);
const PERMANENT_ERRORS = new Set([
  'NO_AUTH_FOUND',
  'expired_token',
  'ACCESS_DENIED',
  'INVALID_CREDENTIALS',
  'insufficient_scope',
  'user_access_error',
  'INVALID_REQUEST',
  'PORTAL_DELETED',
]);

/** The `fields` of `crm.lead.add` for this lead. */
type Bitrix24Settings = z.infer<typeof Bitrix24Options>;

export function bitrix24Fields(lead: Lead, mapping: Mapping, options: Bitrix24Settings): Record<string, unknown> {
  const mapped = mapLead(lead, mapping);
  // ADDRESS_COUNTRY_CODE holds an ISO code: a country written out (a text field) goes to COMMENTS.
  if (!isCountryCode(mapped.get('ADDRESS_COUNTRY_CODE'))) mapped.delete('ADDRESS_COUNTRY_CODE');
  mapNameParts(lead, mapped, 'NAME', 'LAST_NAME');
  const placed = placedFields(lead, mapping, mapped);
  if (mapped.has('NAME')) placed.add('name');
  const fields: Record<string, unknown> = {
    TITLE: leadTitle(lead),
    SOURCE_ID: options.sourceId,
    ...(lead.page ? { SOURCE_DESCRIPTION: lead.page } : {}),
    ...(options.statusId ? { STATUS_ID: options.statusId } : {}),
    ...(options.assignedById ? { ASSIGNED_BY_ID: options.assignedById } : {}),
    OPENED: 'Y',
    ORIGINATOR_ID: 'leadform',
    ORIGIN_ID: lead.id,
    COMMENTS: leadNote(lead, placed),
  };
  const typed = mapLeadTyped(lead, mapping);
  for (const [target, value] of mapped) {
    fields[target] = MULTIFIELDS.has(target) ? [{ VALUE: value, VALUE_TYPE: 'WORK' }] : (typed.get(target) ?? value);
  }
  return fields;
}

/** One configured Bitrix24 destination: its options, and what its portal last said of its limits. */
interface Bitrix24Portal {
  options: Bitrix24Settings;
  /** When Bitrix24 last said the oldest minute of method time will expire (`time.operating_reset_at`). */
  operatingResetAt?: number | undefined;
}

type Bitrix24Context = AdapterContext<{ webhookUrl: string }>;

function methodUrl(portal: Bitrix24Portal, webhookUrl: string, method: string): string {
  const url = new URL(webhookUrl);
  const base = portal.options.baseUrl ? new URL(url.pathname, portal.options.baseUrl).toString() : url.toString();
  return joinUrl(base, `${method}.json`);
}

function outcomeOf(portal: Bitrix24Portal, answer: VendorAnswer, method: string, creates: boolean): DeliveryOutcome {
  const code = field(answer.body, 'error');
  const description = String(field(answer.body, 'error_description') ?? '');
  const what = `bitrix24 ${method}`;
  if (code === 'QUERY_LIMIT_EXCEEDED' || code === 'OVERLOAD_LIMIT') return { kind: 'retry', reason: `${what}: ${code}` };
  if (code === 'OPERATION_TIME_LIMIT') {
    // The docs: wait for the reset the last successful answer announced.
    const afterMs = portal.operatingResetAt === undefined ? undefined : resetToMs(portal.operatingResetAt);
    return { kind: 'retry', reason: `${what}: ${code}`, afterMs };
  }
  if (typeof code === 'string' && PERMANENT_ERRORS.has(code)) return { kind: 'failed', reason: `${what}: ${code} ${description}`.trim() };
  return classify(answer, what, creates, [code, description].filter(Boolean).join(' '));
}

async function call(portal: Bitrix24Portal, context: Bitrix24Context, method: string, json: unknown) {
  const answer = await send(context, { method: 'POST', url: methodUrl(portal, context.secrets.webhookUrl, method), json });
  if (isSuccess(answer)) {
    const reset = field(answer.body, 'time', 'operating_reset_at');
    if (typeof reset === 'number') portal.operatingResetAt = reset;
  }
  return answer;
}

/** The first contact with the lead's phone, else its email: by the E.164 number, which matches however the contact's was written. */
async function existingContact(portal: Bitrix24Portal, context: Bitrix24Context, fields: Record<string, unknown>) {
  for (const [type, key] of [
    ['PHONE', 'PHONE'],
    ['EMAIL', 'EMAIL'],
  ] as const) {
    const values = ((fields[key] ?? []) as { VALUE: string }[]).map((item) => item.VALUE);
    if (!values.length) continue;
    const found = await call(portal, context, 'crm.duplicate.findbycomm', { entity_type: 'CONTACT', type, values });
    if (!isSuccess(found)) return outcomeOf(portal, found, 'crm.duplicate.findbycomm', false);
    const id = field(found.body, 'result', 'CONTACT', 0);
    if (typeof id === 'number' || typeof id === 'string') return { id: Number(id) };
  }
  return undefined;
}

export const bitrix24 = defineDestination({
  type: 'bitrix24',
  options: Bitrix24Options,
  secrets: ['webhookUrlEnv'],
  // Leaky bucket: 2 requests/s sustained on every plan but Enterprise (docs: limits.md).
  pace: { calls: 2, perMs: 1000 },
  prepare: (options): Checked<Bitrix24Portal> => ({ ok: true, value: { options } }),
  async deliver(lead, context, portal) {
    const { options } = portal;
    // Never echo the value: the URL holds the webhook's secret code.
    if (!URL.canParse(context.secrets.webhookUrl))
      return { kind: 'failed', reason: `bitrix24: ${options.webhookUrlEnv} is not a URL; set it to https://PORTAL/rest/USER_ID/CODE/` };
    if (context.uncertain) {
      const found = await call(portal, context, 'crm.lead.list', { filter: { '=ORIGINATOR_ID': 'leadform', '=ORIGIN_ID': lead.id }, select: ['ID'] });
      if (!isSuccess(found)) return outcomeOf(portal, found, 'crm.lead.list', false);
      const id = field(found.body, 'result', 0, 'ID');
      if (id !== undefined) return { kind: 'exists', remoteId: String(id) };
    }
    const fields = bitrix24Fields(lead, mergeMapping(BITRIX24_MAPPING, context.mapping), options);
    if (options.linkExistingContact && fields.CONTACT_ID === undefined) {
      const contact = await existingContact(portal, context, fields);
      if (contact && 'kind' in contact) return contact;
      if (contact) fields.CONTACT_ID = contact.id;
    }
    const answer = await call(portal, context, 'crm.lead.add', { fields, params: { REGISTER_SONET_EVENT: options.registerEvent ? 'Y' : 'N' } });
    const id = field(answer.body, 'result');
    if (isSuccess(answer) && (typeof id === 'number' || typeof id === 'string')) return { kind: 'delivered', remoteId: String(id) };
    if (isSuccess(answer)) return afterCommit({ kind: 'retry', reason: 'bitrix24 crm.lead.add: a success without a lead id' });
    return outcomeOf(portal, answer, 'crm.lead.add', true);
  },
});
