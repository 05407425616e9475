/**
 * Close: `POST /api/v1/lead/` with the person as a nested contact (emails, phones), the note in
 * `description`, and custom fields as `custom.cf_…` keys; Basic auth with the API key as user.
 * Close has no idempotency key and its own client never re-POSTs after a 502 or 504, because the
 * lead may exist. Neither may we: an attempt after an uncertain one first looks for the lead.
 *
 * How it looks: the docs we build against (shared/crm/close/openapi.yml) give the lead list
 * (`GET /lead/` with `_limit`, `_skip`, `_fields`) but no search or filter parameter, so the
 * adapter reads the newest leads' descriptions, page by page, for the submission's marker, which
 * every description ends with. It stops at the first lead last updated before the submission was
 * received (less `CLOCK_SKEW_MS`): a lead an attempt created was created, so also updated, after
 * that, and nothing past that lead is newer whether Close sorts by creation or by update.
 */
import * as z from 'zod/mini';
import { afterCommit, classify, field, isSuccess, joinUrl, type SendContext, send, type VendorAnswer } from './http.ts';
import { findAmongRecentLeads } from './recent-leads.ts';
import { leadNote, mapLead, mapLeadTyped, mergeMapping, personName, placedFields, sourceValue, submissionMarker, type Mapping } from './mapping.ts';
import { defineDestination } from './define.ts';
import type { DeliveryOutcome } from './types.ts';
import { isCountryCode } from '../schema/countries.ts';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';

export const CloseOptions = z.strictObject({
  /** @default "https://api.close.com" */
  baseUrl: z._default(z.url(), 'https://api.close.com'),
  /** Environment variable holding the API key (Settings > Developer > API keys). Required. */
  apiKeyEnv: envName('CLOSE_API_KEY'),
  /** `status_id` of new leads. @default the organization's first status */
  statusId: z.optional(z.string()),
  /**
   * Most pages of 100 leads read to find an earlier attempt's lead. The scan stops sooner, at
   * the first lead older than the submission; this bounds it should the list not be newest first.
   * @default 100
   */
  lookupPages: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 100),
});
type CloseSettings = z.infer<typeof CloseOptions>;

/** The fields of a listed lead the lookup reads. */
interface CloseListedLead {
  id?: string;
  description?: string | null;
  date_updated?: string;
}

const LOOKUP_PAGE = 100;
/** How far Close's clock may run behind the relay's. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Defaults. Targets: `name` (the lead, a company), `url`, `address.country` (an ISO code, as
 * Close's addresses take it), `contact.name`, `contact.title`, `contact.email`, `contact.phone`
 * (E.164), and custom fields as `custom.cf_…` (or just `cf_…`). A custom field gets a `number`
 * field's value as a number, a `date` as "YYYY-MM-DD", and a `checkboxes` list as an array (a
 * choices field that accepts multiple values).
 */
export const CLOSE_MAPPING: Mapping = {
  company: 'name',
  website: 'url',
  country: 'address.country',
  email: 'contact.email',
  phone: 'contact.phone',
  job_title: 'contact.title',
};

export function closeBody(lead: Lead, mapping: Mapping, statusId?: string): Record<string, unknown> {
  const mapped = mapLead(lead, mapping);
  // Close keeps an address's country as an ISO code: a country written out (a text field) goes to the description.
  if (!isCountryCode(mapped.get('address.country'))) mapped.delete('address.country');
  const contactName = mapped.get('contact.name') ?? personName(lead);
  const placed = placedFields(lead, mapping, mapped);
  if (contactName === sourceValue(lead, 'name')) placed.add('name');
  const contact: Record<string, unknown> = {
    ...(contactName ? { name: contactName } : {}),
    ...(mapped.get('contact.title') ? { title: mapped.get('contact.title') } : {}),
    ...(mapped.get('contact.email') ? { emails: [{ email: mapped.get('contact.email'), type: 'office' }] } : {}),
    ...(mapped.get('contact.phone') ? { phones: [{ phone: mapped.get('contact.phone'), type: 'office' }] } : {}),
  };
  const body: Record<string, unknown> = {
    name: mapped.get('name') ?? contactName ?? sourceValue(lead, 'email'),
    ...(mapped.get('url') ? { url: mapped.get('url') } : {}),
    description: leadNote(lead, placed),
    ...(statusId ? { status_id: statusId } : {}),
    contacts: Object.keys(contact).length ? [contact] : [],
    ...(mapped.get('address.country') ? { addresses: [{ label: 'business', country: mapped.get('address.country') }] } : {}),
  };
  for (const [target, value] of mapLeadTyped(lead, mapping)) {
    if (target.startsWith('cf_')) body[`custom.${target}`] = value;
    else if (target.startsWith('custom.')) body[target] = value;
  }
  return body;
}

function outcomeOf(answer: VendorAnswer, what: string, creates: boolean): DeliveryOutcome {
  const errors = field(answer.body, 'errors');
  const fieldErrors = field(answer.body, 'field-errors');
  const error = field(answer.body, 'error');
  const detail = [
    Array.isArray(errors) && errors.length ? JSON.stringify(errors) : '',
    fieldErrors ? JSON.stringify(fieldErrors) : '',
    typeof error === 'string' ? error : '',
  ]
    .filter(Boolean)
    .join(' ');
  return classify(answer, `close ${what}`, creates, detail);
}

/** The lead an earlier attempt created, if Close has it. */
function findEarlier(lead: Lead, context: SendContext, settings: CloseSettings, authorization: string) {
  const marker = submissionMarker(lead);
  const receivedSince = Date.parse(lead.receivedAt) - CLOCK_SKEW_MS;
  return findAmongRecentLeads<CloseListedLead>({
    maxPages: settings.lookupPages,
    async readPage(index) {
      const query = `/api/v1/lead/?_limit=${LOOKUP_PAGE}&_skip=${index * LOOKUP_PAGE}&_fields=id,description,date_updated`;
      const answer = await send(context, { method: 'GET', url: joinUrl(settings.baseUrl, query), headers: { Authorization: authorization } });
      if (!isSuccess(answer)) return outcomeOf(answer, 'lead list', false);
      return { items: (field(answer.body, 'data') ?? []) as CloseListedLead[], more: field(answer.body, 'has_more') === true };
    },
    isEarlierAttempt: (item) => item.description?.includes(marker) ?? false,
    predatesSubmission: (item) => Date.parse(item.date_updated ?? '') < receivedSince,
  });
}

export const close = defineDestination({
  type: 'close',
  options: CloseOptions,
  secrets: ['apiKeyEnv'],
  // Close publishes its limits per organization in the RateLimit header, not as one number: no pace is declared, the header is honoured.
  async deliver(lead, context, settings) {
    const authorization = `Basic ${btoa(`${context.secrets.apiKey}:`)}`;
    if (context.uncertain) {
      const earlier = await findEarlier(lead, context, settings, authorization);
      if ('outcome' in earlier) return earlier.outcome;
      if (earlier.found?.id) return { kind: 'exists', remoteId: earlier.found.id };
    }
    const body = closeBody(lead, mergeMapping(CLOSE_MAPPING, context.mapping), settings.statusId);
    const answer = await send(context, {
      method: 'POST',
      url: joinUrl(settings.baseUrl, '/api/v1/lead/'),
      headers: { Authorization: authorization },
      json: body,
    });
    const id = field(answer.body, 'id');
    if (isSuccess(answer) && typeof id === 'string') return { kind: 'delivered', remoteId: id };
    if (isSuccess(answer)) return afterCommit({ kind: 'retry', reason: 'close lead: a success without a lead id' });
    return outcomeOf(answer, 'lead', true);
  },
});
