/**
 * A receiver of Standard Webhooks, as a careful one behaves: it checks the signature and the
 * timestamp's freshness (5 minutes), and dedupes on `webhook-id` so a resent lead is stored once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { webhookKey } from '../webhook.ts';
import { type Expect, FORM_ENGINE_TYPED_PHONE, FORM_ENGINE_VALUES, type FakeProfile, type LeadValues } from './profile.ts';
import { type Fault, type FakeVendor, HANG, nextFault, startFakeServer } from './server.ts';

export const WEBHOOK_SECRET = `whsec_${Buffer.from('leadform-test-signing-key-32bytes').toString('base64')}`;

export interface ReceivedWebhook {
  id: string;
  payload: { type: string; data: { id: string; fields: Record<string, unknown>; attribution?: unknown; mapped?: Record<string, string> } };
}

export type WebhookFake = FakeVendor & { received: ReceivedWebhook[] };

export async function startWebhookFake(): Promise<WebhookFake> {
  const faults: Fault[] = [];
  const received: ReceivedWebhook[] = [];
  const key = Buffer.from(webhookKey(WEBHOOK_SECRET));
  const server = await startFakeServer((request) => {
    if (request.method !== 'POST') return { status: 405, json: { error: 'POST only' } };
    const id = String(request.headers['webhook-id'] ?? '');
    const timestamp = String(request.headers['webhook-timestamp'] ?? '');
    const signatures = String(request.headers['webhook-signature'] ?? '').split(' ');
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.text}`).digest();
    const valid = signatures.some((entry) => {
      const [version, value] = entry.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!id || !valid) return { status: 401, json: { error: 'invalid signature' } };
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return { status: 400, json: { error: 'timestamp too old or in the future' } };
    if (received.some((item) => item.id === id)) return { status: 200, json: { ok: true, duplicate: true } };
    const fault = nextFault(faults);
    if (fault?.kind === 'invalid') return { status: 422, json: { error: 'payload rejected' } };
    if (fault?.kind === 'rateLimited') return { status: 429, headers: fault.withReset ? { 'Retry-After': '7' } : undefined, json: { error: 'slow down' } };
    if (fault?.kind === 'serverError') return { status: 500, json: { error: 'receiver failed' } };
    received.push({ id, payload: request.json as ReceivedWebhook['payload'] });
    if (fault?.kind === 'commitThenHang') return HANG;
    return { status: 200, json: { ok: true } };
  });
  return {
    url: server.url,
    options: { url: `${server.url}/hooks/leads`, secretEnv: 'LEADFORM_WEBHOOK_SECRET' },
    env: { LEADFORM_WEBHOOK_SECRET: WEBHOOK_SECRET },
    badEnv: { LEADFORM_WEBHOOK_SECRET: `whsec_${Buffer.from('some other key').toString('base64')}` },
    requests: server.requests,
    received,
    leadsWithEmail: (email) => received.filter((item) => item.payload.data.fields.email === email),
    inject(fault) {
      faults.push(fault);
      return fault.kind === 'rateLimited' && fault.withReset ? 7000 : undefined;
    },
    close: server.close,
  };
}

/** What a receiver gets: the fields as the visitor sent them, and the attribution. For the browser test and the contract alike. */
export function expectWebhookLeadPlaced(expect: Expect, stored: unknown, lead: LeadValues): void {
  const { payload } = stored as ReceivedWebhook;
  expect(payload.data.fields).toMatchObject(lead.fields);
  expect(JSON.stringify(payload.data.attribution)).toContain(String(lead.attribution?.last?.utm_campaign));
}

export const webhookFake: FakeProfile<WebhookFake> = {
  start: startWebhookFake,
  reachedThrough: (fake, url) => ({ options: { ...fake.options, url: `${url}/hooks/leads` }, env: fake.env }),
  chaos: {
    share: 0.2,
    // The receiver keeps one record per webhook-id, so a resend is no copy; the relay never looks.
    looksBeforeCreate: false,
    isCreate: (method) => method === 'POST',
  },
  browser: { expectArrived: expectWebhookLeadPlaced },
  formEngine: {
    mapping: {},
    expectArrived(expect, stored) {
      const { payload } = stored as ReceivedWebhook;
      // The receiver gets the lead as stored: values in their JSON types, the phone in E.164 beside what was typed.
      expect(payload.data.fields).toMatchObject({ ...FORM_ENGINE_VALUES, topics: [...FORM_ENGINE_VALUES.topics] });
      expect(payload.data).toMatchObject({ phones: { phone: { raw: FORM_ENGINE_TYPED_PHONE, e164: FORM_ENGINE_VALUES.phone, valid: true } } });
    },
  },
};
