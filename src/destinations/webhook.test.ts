import { webhookFake } from './fakes/webhook.ts';
import { expect, it } from 'vitest';
import { testDestination } from './contract.ts';
import { type ReceivedWebhook, startWebhookFake } from './fakes/webhook.ts';
import { signWebhook, webhook } from './webhook.ts';

testDestination({
  formEngine: webhookFake.formEngine,
  type: 'webhook',
  adapter: webhook,
  startFake: startWebhookFake,
  mapping: { email: 'contact_email', 'attribution.utm_source': 'source' },
  expectStored(stored, lead) {
    const { id, payload } = stored as ReceivedWebhook;
    expect(id).toBe(lead.id);
    expect(payload.type).toBe('lead.created');
    expect(payload.data.fields).toEqual(lead.fields);
    expect(payload.data.attribution).toEqual(lead.attribution);
    expect(payload.data.mapped).toMatchObject({ contact_email: lead.fields.email, source: lead.attribution?.last?.utm_source });
  },
});

it('signs as the Standard Webhooks reference example does', async () => {
  // The example from the Standard Webhooks specification's reference implementation.
  const signature = await signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', '{"test": 2432232314}');
  expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

it('refuses a configuration without url or with a bad secret variable name', () => {
  const built = webhook({ secretEnv: 'not a name' }, {});
  expect(built.ok).toBe(false);
  expect((built as { problems: string[] }).problems.join('\n')).toMatch(/secretEnv/);
  expect((webhook({ secretEnv: 'X' }, {}) as { problems: string[] }).problems.join('\n')).toMatch(/^url: missing/);
});
