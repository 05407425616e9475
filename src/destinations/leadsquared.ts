/**
 * LeadSquared: `Lead.CreateOrUpdate` with a `SearchBy` attribute (default), a find-or-create
 * call, so a retry after a lost answer updates the lead it created instead of adding another;
 * or `Lead.Create` (option `operation`), whose duplicate answer (`MXDuplicateEntryException`)
 * is read as "already exists" after an uncertain attempt, else as a refusal. The host is regional; keys go in the `x-LSQ-AccessKey` and
 * `x-LSQ-SecretKey` headers. UTM values go to LeadSquared's own `Source`, `SourceMedium`,
 * `SourceCampaign` and `SourceContent`; the message, other fields and both touches to `Notes`.
 */
import * as z from 'zod/mini';
import { classify, field, isSuccess, joinUrl, send } from './http.ts';
import { leadNote, mapLead, mapLeadTyped, mergeMapping, placedFields, mapNameParts, type Mapping } from './mapping.ts';
import { defineDestination } from './define.ts';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';

export const LeadSquaredOptions = z.strictObject({
  /**
   * The account's API host, from Settings > API and Webhooks: `https://api-us11.leadsquared.com`,
   * `https://api-in21.leadsquared.com`, `https://api-in22…`, `https://api-ir31…`, `https://api-ca12…`.
   * @default "https://api.leadsquared.com"
   */
  baseUrl: z._default(z.url(), 'https://api.leadsquared.com'),
  /** Environment variable holding the access key. Required. */
  accessKeyEnv: envName('LSQ_ACCESS_KEY'),
  /** Environment variable holding the secret key. Required. */
  secretKeyEnv: envName('LSQ_SECRET_KEY'),
  /**
   * `createOrUpdate` (find-or-create, safe to retry) or `create` (a returning visitor's lead is
   * refused, as LeadSquared refuses a second lead with the same email or phone). @default "createOrUpdate"
   */
  operation: z._default(z.enum(['createOrUpdate', 'create']), 'createOrUpdate'),
  /** The unique field `Lead.CreateOrUpdate` searches by. @default "EmailAddress" */
  searchBy: z._default(z.enum(['EmailAddress', 'Phone']), 'EmailAddress'),
  /** The lead field that receives the note (message, other fields, attribution); "" for none. @default "Notes" */
  noteAttribute: z._default(z.string(), 'Notes'),
});

/** Defaults; a form's `mapping` overrides them (`{"attribution.gclid": "mx_GCLID"}`). */
export const LEADSQUARED_MAPPING: Mapping = {
  first_name: 'FirstName',
  last_name: 'LastName',
  email: 'EmailAddress',
  phone: 'Phone',
  company: 'Company',
  job_title: 'JobTitle',
  website: 'Website',
  'attribution.utm_source': 'Source',
  'attribution.utm_medium': 'SourceMedium',
  'attribution.utm_campaign': 'SourceCampaign',
  'attribution.utm_content': 'SourceContent',
};

export interface LeadSquaredAttribute {
  Attribute: string;
  Value: string;
}

/**
 * The body of `Lead.Create`: every value is text, as LeadSquared's attributes take it; a number is
 * written out, a date stays "YYYY-MM-DD", and a `checkboxes` list is joined by semicolons, how a
 * multi-select dropdown (`mx_…`) takes its options; the phone is E.164.
 */
export function leadSquaredBody(lead: Lead, mapping: Mapping, noteAttribute: string): LeadSquaredAttribute[] {
  const mapped = mapLead(lead, mapping);
  mapNameParts(lead, mapped, 'FirstName', 'LastName');
  const placed = placedFields(lead, mapping, mapped);
  if (mapped.has('FirstName')) placed.add('name');
  for (const [target, value] of mapLeadTyped(lead, mapping)) if (Array.isArray(value)) mapped.set(target, value.join(';'));
  if (noteAttribute && !mapped.has(noteAttribute)) mapped.set(noteAttribute, leadNote(lead, placed));
  return [...mapped].map(([Attribute, Value]) => ({ Attribute, Value }));
}

export const leadsquared = defineDestination({
  type: 'leadsquared',
  options: LeadSquaredOptions,
  secrets: ['accessKeyEnv', 'secretKeyEnv'],
  // The documented limit is 25 calls in 5 s; stay under it with room for the account's other integrations.
  pace: { calls: 20, perMs: 5000 },
  async deliver(lead, context, settings) {
    const method = settings.operation === 'create' ? 'Lead.Create' : 'Lead.CreateOrUpdate';
    const body = leadSquaredBody(lead, mergeMapping(LEADSQUARED_MAPPING, context.mapping), settings.noteAttribute);
    if (settings.operation === 'createOrUpdate') body.push({ Attribute: 'SearchBy', Value: settings.searchBy });
    const answer = await send(context, {
      method: 'POST',
      url: joinUrl(settings.baseUrl, `/v2/LeadManagement.svc/${method}${settings.operation === 'createOrUpdate' ? '?postUpdatedLead=false' : ''}`),
      headers: { 'x-LSQ-AccessKey': context.secrets.accessKey, 'x-LSQ-SecretKey': context.secrets.secretKey },
      json: body,
    });
    const id = field(answer.body, 'Message', 'Id');
    const remoteId = typeof id === 'string' ? id : undefined;
    if (isSuccess(answer) && field(answer.body, 'Status') === 'Success') {
      // An update after an uncertain attempt is that attempt's lead found again.
      return { kind: context.uncertain && field(answer.body, 'Message', 'IsCreated') === false ? 'exists' : 'delivered', remoteId };
    }
    const exception = String(field(answer.body, 'ExceptionType') ?? '');
    if (exception === 'MXDuplicateEntryException') {
      // After an uncertain attempt the duplicate is most likely that attempt's lead. On a first
      // attempt it is a returning visitor, whom Lead.Create cannot add: a dead letter says so.
      if (context.uncertain) return { kind: 'exists' };
      return {
        kind: 'failed',
        reason:
          'leadsquared Lead.Create: a lead with this email address or phone number already exists (MXDuplicateEntryException); the option "operation": "createOrUpdate" updates it instead',
      };
    }
    // A 429 from LeadSquared carries no Retry-After: the backoff decides.
    return classify(answer, `leadsquared ${method}`, true, [exception, field(answer.body, 'ExceptionMessage')].filter(Boolean).join(' '));
  },
});
