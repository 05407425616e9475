/**
 * Pipedrive: a lead must link a person or an organization, so delivery is a sequence: find the
 * person by email (v2 search, exact), else create the organization when a company is given
 * (found by exact name first) and the person (v2); create the lead (v1) with `origin_id` = the
 * submission id; then add the message, other fields and attribution as a note pinned to the lead.
 * Auth: the `x-api-token` header. Pipedrive has no idempotency key: once the lead may exist, an
 * attempt first lists the person's leads for that origin id, and adds the note only if missing.
 */
import * as z from 'zod/mini';
import { afterCommit, classify, field, isSuccess, joinUrl, send, type VendorAnswer } from './http.ts';
import {
  leadNote,
  leadTitle,
  mapLead,
  mapLeadTyped,
  mergeMapping,
  personName,
  placedFields,
  sourceValue,
  submissionMarker,
  type Mapping,
  type TypedValue,
} from './mapping.ts';
import { type AdapterContext, defineDestination } from './define.ts';
import type { DeliveryOutcome } from './types.ts';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';

export const PipedriveOptions = z.strictObject({
  /** The API host; a company domain (`https://acme.pipedrive.com`) works too. @default "https://api.pipedrive.com" */
  baseUrl: z._default(z.url(), 'https://api.pipedrive.com'),
  /** Environment variable holding the API token (Settings > Personal preferences > API). Required. */
  apiTokenEnv: envName('PIPEDRIVE_API_TOKEN'),
  /** `owner_id` of new leads, persons and organizations. @default the token's user */
  ownerId: z.optional(z.int()),
  /** Lead label UUIDs to put on every lead. @default none */
  labelIds: z.optional(z.array(z.string())),
});
type PipedriveSettings = z.infer<typeof PipedriveOptions>;

/**
 * Defaults. Targets: `person.email`, `person.phone`, `organization.name`; any other target is a
 * lead (deal) custom field key, e.g. `{"attribution.utm_source": "3f9a…c2"}`. A custom field gets
 * a `number` field's value as a number (numerical and monetary fields), a `date` as "YYYY-MM-DD"
 * (date fields), and a `checkboxes` list as its values joined by commas, which is how a multiple
 * options field takes its option ids: give such a field's options the Pipedrive option ids as
 * values. The phone is E.164 (`+442079460123`), so the person search matches it exactly.
 */
export const PIPEDRIVE_MAPPING: Mapping = { email: 'person.email', phone: 'person.phone', company: 'organization.name' };
const STRUCTURAL = /^(person|organization)\./;

export const pipedrive = defineDestination({
  type: 'pipedrive',
  options: PipedriveOptions,
  secrets: ['apiTokenEnv'],
  // Burst limits are per 2-second window (20 requests on the smallest plan); one delivery makes 3 to 6 calls.
  pace: { calls: 10, perMs: 2000 },
  deliver: deliverToPipedrive,
});

function outcomeOf(answer: VendorAnswer, what: string, creates: boolean): DeliveryOutcome {
  const error = field(answer.body, 'error');
  return classify(answer, `pipedrive ${what}`, creates, typeof error === 'string' ? error : undefined);
}

async function deliverToPipedrive(lead: Lead, context: AdapterContext<{ apiToken: string }>, settings: PipedriveSettings): Promise<DeliveryOutcome> {
  const token = context.secrets.apiToken;
  const call = (method: 'GET' | 'POST', path: string, json?: unknown) =>
    send(context, { method, url: joinUrl(settings.baseUrl, path), headers: { 'x-api-token': token }, json });
  const mapping = mergeMapping(PIPEDRIVE_MAPPING, context.mapping);
  const mapped = mapLead(lead, mapping);
  const email = mapped.get('person.email');
  const company = mapped.get('organization.name');
  const name = personName(lead) ?? email ?? mapped.get('person.phone') ?? 'Unknown visitor';
  const placed = placedFields(lead, mapping, mapped);
  if (name === sourceValue(lead, 'name')) placed.add('name');
  const note = leadNote(lead, placed);
  const owner = settings.ownerId === undefined ? {} : { owner_id: settings.ownerId };

  // The person is found by email, else by phone: a retry can only find its earlier lead through
  // the person, so a phone-only form must look the person up too.
  const phone = mapped.get('person.phone');
  let personId: number | undefined;
  const [searchField, term] = email ? ['email', email] : phone ? ['phone', phone] : [];
  if (term) {
    const search = await call('GET', `/api/v2/persons/search?term=${encodeURIComponent(term)}&fields=${searchField}&exact_match=true&limit=1`);
    if (!isSuccess(search)) return outcomeOf(search, 'person search', false);
    const id = field(search.body, 'data', 'items', 0, 'item', 'id');
    if (typeof id === 'number') personId = id;
  }

  if (personId !== undefined && context.uncertain) {
    const found = await findEarlierLead(lead, personId, call);
    if ('outcome' in found) return found.outcome;
    if (found.leadId) {
      // The lead exists; its note may not, if the earlier attempt stopped between the two calls.
      const notes = await call('GET', `/v1/notes?lead_id=${found.leadId}&limit=100`);
      if (!isSuccess(notes)) return afterCommit(outcomeOf(notes, 'note list', false));
      const marker = submissionMarker(lead);
      const hasNote = ((field(notes.body, 'data') ?? []) as { content?: string }[]).some((item) => item.content?.includes(marker));
      if (!hasNote) {
        const added = await call('POST', '/v1/notes', { content: note, lead_id: found.leadId, pinned_to_lead_flag: 1 });
        if (!isSuccess(added)) return afterCommit(outcomeOf(added, 'note', true));
      }
      return { kind: 'exists', remoteId: found.leadId };
    }
  }

  let organizationId: number | undefined;
  if (personId === undefined) {
    if (company) {
      const search = await call('GET', `/api/v2/organizations/search?term=${encodeURIComponent(company)}&fields=name&exact_match=true&limit=1`);
      if (!isSuccess(search)) return outcomeOf(search, 'organization search', false);
      const id = field(search.body, 'data', 'items', 0, 'item', 'id');
      if (typeof id === 'number') organizationId = id;
      else {
        const created = await call('POST', '/api/v2/organizations', { name: company, ...owner });
        const createdId = field(created.body, 'data', 'id');
        if (!isSuccess(created) || typeof createdId !== 'number') return outcomeOf(created, 'organization', true);
        organizationId = createdId;
      }
    }
    const person = await call('POST', '/api/v2/persons', {
      name,
      ...owner,
      ...(organizationId === undefined ? {} : { org_id: organizationId }),
      ...(email ? { emails: [{ value: email, primary: true, label: 'work' }] } : {}),
      ...(phone ? { phones: [{ value: phone, primary: true, label: 'work' }] } : {}),
    });
    const id = field(person.body, 'data', 'id');
    // A person created twice after a lost answer is merged by hand at worst; the lead is what must stay single.
    if (!isSuccess(person) || typeof id !== 'number') return outcomeOf(person, 'person', true);
    personId = id;
  }

  const customFields = Object.fromEntries(
    [...mapLeadTyped(lead, mapping)].filter(([target]) => !STRUCTURAL.test(target)).map(([target, value]) => [target, customFieldValue(value)]),
  );
  const created = await call('POST', '/v1/leads', {
    ...customFields,
    title: leadTitle(lead),
    person_id: personId,
    ...(organizationId === undefined ? {} : { organization_id: organizationId }),
    ...owner,
    ...(settings.labelIds ? { label_ids: settings.labelIds } : {}),
    origin_id: lead.id,
  });
  const leadId = field(created.body, 'data', 'id');
  if (!isSuccess(created) || typeof leadId !== 'string') return outcomeOf(created, 'lead', true);

  const added = await call('POST', '/v1/notes', { content: note, lead_id: leadId, pinned_to_lead_flag: 1 });
  if (!isSuccess(added)) return afterCommit(outcomeOf(added, 'note', true));
  return { kind: 'delivered', remoteId: leadId };
}

/** A value in the shape Pipedrive's custom fields take: numbers as numbers, several choices as "a,b". */
function customFieldValue(value: TypedValue): string | number {
  return Array.isArray(value) ? value.join(',') : value;
}

/** The person's lead whose `origin_id` is this submission, paging through the person's leads. */
async function findEarlierLead(
  lead: Lead,
  personId: number,
  call: (method: 'GET', path: string) => Promise<VendorAnswer>,
): Promise<{ leadId?: string } | { outcome: DeliveryOutcome }> {
  for (let start = 0; start < 1000; start += 100) {
    const answer = await call('GET', `/v1/leads?person_id=${personId}&limit=100&start=${start}`);
    if (!isSuccess(answer)) return { outcome: outcomeOf(answer, 'lead list', false) };
    const leads = (field(answer.body, 'data') ?? []) as { id?: string; origin_id?: string | null }[];
    const found = leads.find((item) => item.origin_id === lead.id);
    if (found?.id) return { leadId: found.id };
    if (leads.length < 100) break;
  }
  return {};
}
