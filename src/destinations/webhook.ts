/**
 * Webhook: the lead as JSON, POSTed to your URL and signed per Standard Webhooks
 * (standardwebhooks.com): `webhook-id` is the submission id, so a receiver that dedupes on it
 * never sees a retry as a second lead; `webhook-signature` is `v1,` + base64 HMAC-SHA256 of
 * `id.timestamp.body` under the secret.
 */
import * as z from 'zod/mini';
import { classify, isSuccess, send } from './http.ts';
import { mapLead, mergeMapping } from './mapping.ts';
import { defineDestination } from './define.ts';
import type { Lead } from '../schema/lead.ts';
import { envName } from '../schema/problems.ts';

export const WebhookOptions = z.strictObject({
  /**
   * Where the lead is POSTed. This or `baseUrl` is required.
   * @default `baseUrl`
   */
  url: z.optional(z.url({ protocol: /^https?$/ })),
  /**
   * Accepted in place of `url`, like the CRM adapters' option; `url` wins.
   * @default none
   */
  baseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  /**
   * The environment variable holding the signing secret: `whsec_` + base64 (as Standard Webhooks
   * libraries issue them) or any other string, used as UTF-8 bytes. Required.
   */
  secretEnv: envName('LEADFORM_WEBHOOK_SECRET'),
  /**
   * Most calls per window, if the receiver has a limit.
   * @default no pacing
   */
  pace: z.optional(z.object({ calls: z.int().check(z.minimum(1)), perMs: z.int().check(z.minimum(1)) })),
});
export type WebhookOptions = z.infer<typeof WebhookOptions>;

/**
 * The JSON body: Standard Webhooks' `{type, timestamp, data}` envelope around the lead. A partial
 * lead (the visitor left after giving an email or phone; `data.partial` is true) is `lead.partial`;
 * should the visitor complete the form later, a `lead.created` with another id follows.
 */
export interface WebhookPayload {
  type: 'lead.created' | 'lead.partial';
  timestamp: string;
  data: Lead & { mapped?: Record<string, string> };
}

export const webhook = defineDestination({
  type: 'webhook',
  options: WebhookOptions,
  secrets: ['secretEnv'],
  pace: (options) => options.pace,
  prepare(options) {
    const url = options.url ?? options.baseUrl;
    if (!url) return { ok: false, problems: ['url: missing; add the address that receives the leads, e.g. "https://hooks.example.com/leads"'] };
    return { ok: true, value: { url } };
  },
  async deliver(lead, context, { url }) {
    const mapped = context.mapping ? Object.fromEntries(mapLead(lead, mergeMapping({}, context.mapping))) : undefined;
    const payload: WebhookPayload = {
      type: lead.partial ? 'lead.partial' : 'lead.created',
      timestamp: lead.receivedAt,
      data: { ...lead, ...(mapped ? { mapped } : {}) },
    };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const signature = await signWebhook(context.secrets.secret, lead.id, timestamp, body);
    const answer = await send(context, {
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json', 'webhook-id': lead.id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      rawBody: body,
    });
    // The same webhook-id on every attempt: a receiver that dedupes on it makes a resend after a
    // lost answer safe, so an uncertain attempt needs no lookup here.
    if (isSuccess(answer)) return { kind: 'delivered', remoteId: lead.id };
    if (answer.status === 409) return { kind: 'exists', remoteId: lead.id };
    return classify(answer, 'webhook', true);
  },
});

/** The secret's key bytes: a `whsec_` secret is base64 after its prefix. */
export function webhookKey(secret: string): Uint8Array {
  if (secret.startsWith('whsec_')) return Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0));
  return new TextEncoder().encode(secret);
}

/** `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), with WebCrypto so every runtime can sign. */
export async function signWebhook(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', webhookKey(secret) as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return `v1,${btoa(binary)}`;
}
