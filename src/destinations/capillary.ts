/**
 * Capillary (Loyalty+ leads): `POST /v2/leads` on the org's cluster host, the customer named by
 * `idType` (EMAIL, else MOBILE) and `identifier` (Capillary creates a non-loyalty customer when
 * it is new), mapped values in `extendedFields`, and the note in `followUpDetails[].notes`.
 * Auth: Basic `base64(TILL_ID:md5(PASSWORD))`, or an OAuth token from
 * `/v3/oauth/token/generate` sent as `X-CAP-API-OAUTH-TOKEN`, cached until it expires and renewed
 * once on a 401. A 201 is a partial failure (the lead exists, some parts were refused); a 521 is
 * a concurrent action on the same customer, retried later.
 *
 * After an uncertain attempt the adapter looks first with the documented lead search
 * (`GET /v2/leads?type=…&sortBy=createdon&sortOrder=DESC&limit=…`) for a lead whose notes carry
 * the submission marker, reading the newest 100, then 200, 400… until the leads are older than the
 * submission's `createdOn` (the relay sends its own receipt time, so an earlier attempt's lead
 * sorts exactly there). The search's `offset` cannot page through that sorted list: it leaves out
 * the first leads in the order they were created, whatever the sort, so each read widens `limit`
 * instead. The customer's `userId`, which `GET /v2/leads?userId=` would need, is unknown until a
 * create has answered.
 */
import * as z from 'zod/mini';
import { classify, field, isSuccess, joinUrl, send, type VendorAnswer, type VendorRequest } from './http.ts';
import { findAmongRecentLeads } from './recent-leads.ts';
import { leadNote, mapLead, mergeMapping, placedFields, submissionMarker, type Mapping } from './mapping.ts';
import { md5Hex } from './md5.ts';
import { type AdapterContext, defineDestination, type Secrets } from './define.ts';
import type { DeliveryOutcome } from './types.ts';
import type { Checked } from '../schema/checked.ts';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';

export const CapillaryOptions = z.strictObject({
  /** The org's cluster: `https://{cluster}.api.capillarytech.com`. @default "apac" */
  cluster: z._default(z.enum(['apac', 'apac2', 'eu', 'us']), 'apac'),
  /** Overrides the cluster host (a sandbox, a fake in tests). @default from `cluster` */
  baseUrl: z.optional(z.url()),
  /** Basic auth: environment variable holding the till id (user name). @default none (then OAuth) */
  tillIdEnv: z.optional(envName('CAPILLARY_TILL_ID')),
  /** Basic auth: environment variable holding the till's password (sent as its md5). @default none (then OAuth) */
  passwordEnv: z.optional(envName('CAPILLARY_PASSWORD')),
  /** OAuth: environment variable holding the client key. @default none (then Basic auth) */
  oauthKeyEnv: z.optional(envName('CAPILLARY_OAUTH_KEY')),
  /** OAuth: environment variable holding the client secret. @default none (then Basic auth) */
  oauthSecretEnv: z.optional(envName('CAPILLARY_OAUTH_SECRET')),
  /** What the lead is for: a SKU, brand or category name by `type`, or your own label. @default the form id */
  leadFor: z.optional(z.string().check(z.minLength(1))),
  /** @default "CUSTOM" */
  type: z._default(z.enum(['SKU', 'BRAND', 'CATEGORY', 'CUSTOM']), 'CUSTOM'),
  /** Username of the staff user assigned to new leads. @default unassigned */
  owner: z.optional(z.string()),
  /** A sub-status created with the leads/substatus API. @default none */
  subStatus: z.optional(z.string()),
  /**
   * Most leads read to find an earlier attempt's lead. The search stops sooner, at the first
   * lead older than the submission; this bounds it on an org whose search ignores the sort.
   * @default 10000
   */
  lookupLimit: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 10_000),
});
type CapillarySettings = z.infer<typeof CapillaryOptions>;
const CAPILLARY_SECRETS = ['tillIdEnv', 'passwordEnv', 'oauthKeyEnv', 'oauthSecretEnv'] as const;
type CapillaryContext = AdapterContext<Secrets<CapillarySettings, (typeof CAPILLARY_SECRETS)[number]>>;

/** One configured Capillary destination: its options, how it authenticates, and its cached OAuth token. */
interface CapillaryOrg {
  settings: CapillarySettings;
  /** Basic auth (till id and password), else OAuth. */
  basic: boolean;
  baseUrl: string;
  token?: { value: string; expiresAt: number } | undefined;
}

/** The fields of a listed lead the lookup reads. */
interface CapillaryListedLead {
  id?: number;
  createdOn?: string;
  followUpDetails?: { notes?: string }[];
}

const LOOKUP_PAGE = 100;

/**
 * Defaults. `identifier.EMAIL` and `identifier.MOBILE` name the customer; any other target is an
 * extended field of the org (`{"attribution.utm_source": "utm_source"}`), so none are set by default.
 */
export const CAPILLARY_MAPPING: Mapping = { email: 'identifier.EMAIL', phone: 'identifier.MOBILE' };

/** `YYYY-MM-DDThh:mm:ssTZD`, as the docs write dates. */
function capillaryDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}+00:00`;
}

export function capillaryBody(lead: Lead, mapping: Mapping, settings: CapillarySettings): Record<string, unknown> {
  const mapped = mapLead(lead, mapping);
  const email = mapped.get('identifier.EMAIL');
  const mobile = mapped.get('identifier.MOBILE');
  const extendedFields = Object.fromEntries([...mapped].filter(([target]) => !target.startsWith('identifier.')));
  // A lead names its customer by one identifier (`idType` + `identifier`) and has no field of
  // its own for a second one: with an email, the phone is not sent as the customer's mobile, so it
  // is not placed and goes to the notes (or to an extended field the form's mapping names).
  if (email) mapped.delete('identifier.MOBILE');
  const placed = placedFields(lead, mapping, mapped);
  return {
    type: settings.type,
    leadFor: settings.leadFor ?? lead.formId,
    ...(email ? { idType: 'EMAIL', identifier: email } : mobile ? { idType: 'MOBILE', identifier: mobile } : {}),
    createdOn: capillaryDate(lead.receivedAt),
    ...(Object.keys(extendedFields).length ? { extendedFields } : {}),
    ...(settings.owner ? { owner: settings.owner } : {}),
    ...(settings.subStatus ? { subStatus: settings.subStatus } : {}),
    followUpDetails: [{ notes: leadNote(lead, placed), followedUpOn: capillaryDate(lead.receivedAt) }],
  };
}

function errorsDetail(answer: VendorAnswer): string {
  const errors = field(answer.body, 'errors');
  return Array.isArray(errors) ? errors.map((error) => `${field(error, 'code') ?? ''} ${field(error, 'message') ?? ''}`.trim()).join('; ') : '';
}

function outcomeOf(answer: VendorAnswer, what: string, creates: boolean): DeliveryOutcome {
  const detail = errorsDetail(answer);
  if (answer.status === 521) return { kind: 'retry', reason: `capillary ${what}: HTTP 521 (a concurrent action on this customer) ${detail}`.trim() };
  return classify(answer, `capillary ${what}`, creates, detail);
}

/** Basic credentials, or a cached OAuth token (a fresh one when `renew`). */
async function authHeaders(org: CapillaryOrg, context: CapillaryContext, renew: boolean): Promise<Record<string, string> | DeliveryOutcome> {
  // `prepare` made sure the options name both secrets of the chosen way, so both are read.
  const { tillId, password, oauthKey, oauthSecret } = context.secrets;
  if (org.basic) return { Authorization: `Basic ${btoa(`${tillId!}:${md5Hex(password!)}`)}` };
  if (!renew && org.token && org.token.expiresAt > Date.now() + 30_000) return { 'X-CAP-API-OAUTH-TOKEN': org.token.value };
  const answer = await send(context, { method: 'POST', url: joinUrl(org.baseUrl, '/v3/oauth/token/generate'), json: { key: oauthKey!, secret: oauthSecret! } });
  const accessToken = field(answer.body, 'data', 'accessToken');
  if (!isSuccess(answer) || typeof accessToken !== 'string') return outcomeOf(answer, 'oauth token', false);
  const expiresIn = Number(field(answer.body, 'data', 'expiresIn'));
  org.token = { value: accessToken, expiresAt: Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 10 * 60_000) };
  return { 'X-CAP-API-OAUTH-TOKEN': org.token.value };
}

async function callOnce(
  org: CapillaryOrg,
  context: CapillaryContext,
  request: Omit<VendorRequest, 'headers'>,
  renew: boolean,
): Promise<VendorAnswer | DeliveryOutcome> {
  const headers = await authHeaders(org, context, renew);
  return 'kind' in headers ? (headers as DeliveryOutcome) : send(context, { ...request, headers: headers as Record<string, string> });
}

/** One call with auth; an OAuth 401 (a token revoked or expired early) renews the token and tries once more. */
async function call(org: CapillaryOrg, context: CapillaryContext, request: Omit<VendorRequest, 'headers'>): Promise<VendorAnswer | DeliveryOutcome> {
  const answer = await callOnce(org, context, request, false);
  if (org.basic || 'kind' in answer || answer.status !== 401) return answer;
  org.token = undefined;
  return callOnce(org, context, request, true);
}

/** The lead an earlier attempt created, if Capillary has it. */
function findEarlier(org: CapillaryOrg, lead: Lead, context: CapillaryContext) {
  const marker = submissionMarker(lead);
  const createdOn = Date.parse(capillaryDate(lead.receivedAt));
  const { lookupLimit } = org.settings;
  // Read `index` asks for the newest LOOKUP_PAGE × 2^index leads (at most lookupLimit) and looks
  // at those the reads before it did not reach.
  const limitOf = (index: number) => (index < 0 ? 0 : Math.min(LOOKUP_PAGE * 2 ** index, lookupLimit));
  return findAmongRecentLeads<CapillaryListedLead>({
    maxPages: 1 + Math.max(0, Math.ceil(Math.log2(lookupLimit / LOOKUP_PAGE))),
    async readPage(index) {
      const limit = limitOf(index);
      const query = `/v2/leads?type=${org.settings.type}&sortBy=createdon&sortOrder=DESC&limit=${limit}`;
      const answer = await call(org, context, { method: 'GET', url: joinUrl(org.baseUrl, query) });
      if ('kind' in answer) return answer;
      if (!isSuccess(answer)) return outcomeOf(answer, 'lead search', false);
      const listed = (field(answer.body, 'data') ?? []) as CapillaryListedLead[];
      return { items: listed.slice(limitOf(index - 1)), more: listed.length === limit && limit < lookupLimit };
    },
    isEarlierAttempt: (item) => item.followUpDetails?.some((followUp) => followUp.notes?.includes(marker)) ?? false,
    predatesSubmission: (item) => Date.parse(item.createdOn ?? '') < createdOn,
  });
}

export const capillary = defineDestination({
  type: 'capillary',
  options: CapillaryOptions,
  secrets: CAPILLARY_SECRETS,
  // Capillary rate-limits per org without a published figure: no pace is declared, its 429s are honoured.
  prepare(settings): Checked<CapillaryOrg> {
    const basic = Boolean(settings.tillIdEnv || settings.passwordEnv);
    const oauth = Boolean(settings.oauthKeyEnv || settings.oauthSecretEnv);
    if (basic === oauth || (basic && !(settings.tillIdEnv && settings.passwordEnv)) || (oauth && !(settings.oauthKeyEnv && settings.oauthSecretEnv))) {
      return {
        ok: false,
        problems: ['tillIdEnv: name the auth secrets: either tillIdEnv and passwordEnv (Basic auth) or oauthKeyEnv and oauthSecretEnv (OAuth), not both'],
      };
    }
    return { ok: true, value: { settings, basic, baseUrl: settings.baseUrl ?? `https://${settings.cluster}.api.capillarytech.com` } };
  },
  async deliver(lead, context, org) {
    if (context.uncertain) {
      const earlier = await findEarlier(org, lead, context);
      if ('outcome' in earlier) return earlier.outcome;
      if (earlier.found) return { kind: 'exists', remoteId: String(earlier.found.id) };
    }
    const body = capillaryBody(lead, mergeMapping(CAPILLARY_MAPPING, context.mapping), org.settings);
    if (!body.identifier) return { kind: 'failed', reason: 'capillary: the lead has no email or phone to name the customer by' };
    const answer = await call(org, context, { method: 'POST', url: joinUrl(org.baseUrl, '/v2/leads'), json: body });
    if ('kind' in answer) return answer;
    const id = field(answer.body, 'id');
    if ((answer.status === 200 || answer.status === 201) && id !== undefined) return { kind: 'delivered', remoteId: String(id) };
    // A 201 without a lead is a refusal spelled out in errors[]: sending it again changes nothing.
    if (answer.status === 201) return { kind: 'failed', reason: `capillary lead: partial failure without a lead: ${errorsDetail(answer)}` };
    return outcomeOf(answer, 'lead', true);
  },
});
