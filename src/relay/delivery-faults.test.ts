/**
 * Delivery when the store fails under it, and secrets a vendor could echo in another shape than
 * the one configured.
 */
import { expect, it } from 'vitest';
import type { Destination } from '../destinations/types.ts';
import type { Lead } from '../schema/lead.ts';
import { parseConfig } from './config.ts';
import { deliverDue, scrubSecrets } from './delivery.ts';
import { MemoryOutbox } from './memory-outbox.ts';

const parsed = parseConfig({
  forms: { f: { fields: [{ name: 'email', type: 'email' }], destination: 'crm' } },
  destinations: { crm: { type: 'test' } },
});
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const config = parsed.value;
const lead = (id: string): Lead => ({ id, formId: 'f', receivedAt: new Date(1_000).toISOString(), fields: { email: `${id}@example.com` } });

it('attempts the rest of a batch when recording one lead fails, then reports the failure', async () => {
  const outbox = new MemoryOutbox();
  for (const id of ['a', 'b', 'c']) await outbox.accept({ lead: lead(id), destination: 'crm', idempotencyKey: null, bodyHash: id });
  const record = outbox.record.bind(outbox);
  // The disk refuses the first lead's record only.
  outbox.record = async (id, attemptRecord, now) => {
    if (id === 'a') throw new Error('SQLITE_FULL: database or disk is full');
    return record(id, attemptRecord, now);
  };
  const delivered: string[] = [];
  const destination: Destination = {
    type: 'test',
    async deliver(l) {
      delivered.push(l.id);
      return { kind: 'delivered' };
    },
  };
  await expect(deliverDue({ config, outbox, destinations: new Map([['crm', destination]]), now: () => 2_000 })).rejects.toThrow('SQLITE_FULL');
  expect(delivered).toEqual(['a', 'b', 'c']);
  expect((await outbox.stats()).delivered).toBe(2);
  // The one whose record failed stays claimed, so whoever takes it up next looks first.
  expect(await outbox.get('a')).toMatchObject({ state: 'pending' });
});

it("scrubs a webhook-URL secret from a vendor's echo even where the URL was sent to another host", () => {
  const secret = 'https://portal.bitrix24.example/rest/1/abcd1234efgh/';
  const echoed = 'HTTP 400 {"error":"bad request to https://eu.proxy.example/rest/1/abcd1234efgh/crm.lead.add.json"}';
  const scrubbed = scrubSecrets(echoed, [['BITRIX24_WEBHOOK_URL', secret]]);
  expect(scrubbed).not.toContain('abcd1234efgh');
  expect(scrubbed).toContain('[secret BITRIX24_WEBHOOK_URL]');
  expect(scrubbed).toContain('HTTP 400');
});
