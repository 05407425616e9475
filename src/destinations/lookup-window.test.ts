/**
 * Find-before-create under load: after an uncertain attempt (the vendor committed, the answer was
 * lost), other leads keep arriving at the vendor before the retry. The retry must still find the
 * first attempt's lead however many came in between, or the vendor ends up with a duplicate.
 *
 * Close and Capillary have no search by the relay's submission id: their adapters read the lead
 * list newest first for the submission marker (src/destinations/recent-leads.ts). The chaos suite
 * once found Capillary duplicates here, when the scan stopped at a fixed 50 leads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { capillary } from './capillary.ts';
import { close } from './close.ts';
import { sampleLead, testContext } from './contract.ts';
import { startCapillaryFake } from './fakes/capillary.ts';
import { startCloseFake } from './fakes/close.ts';
import type { FakeVendor } from './fakes/server.ts';
import type { SecretDeps } from './define.ts';
import type { DeliveryContext, Destination, DestinationFactory } from './types.ts';

const fakes: FakeVendor[] = [];
afterAll(() => Promise.all(fakes.map((fake) => fake.close())));

type Factory = DestinationFactory<SecretDeps>;

function context(env: Record<string, string>, uncertain: boolean, timeoutMs = 5000): DeliveryContext {
  return testContext(env, { attempt: uncertain ? 2 : 1, uncertain, timeoutMs });
}

function build(fake: FakeVendor, factory: Factory): Destination {
  fakes.push(fake);
  const built = factory(fake.options, { secret: (name) => fake.env[name] });
  if (!built.ok) throw new Error(built.problems.join('\n'));
  return built.value;
}

const listReads = (fake: FakeVendor) => fake.requests.filter((request) => request.method === 'GET').length;

async function duplicatesAfter(fake: FakeVendor, factory: Factory, between: number): Promise<number> {
  const destination = build(fake, factory);
  const lead = sampleLead();
  fake.inject({ kind: 'commitThenHang' });
  expect((await destination.deliver(lead, context(fake.env, false, 300))).kind).toBe('retry');
  for (let i = 0; i < between; i++) {
    const other = sampleLead();
    // Other leads arrive at the vendor's own pace: a 429 is waited out as the relay would.
    for (;;) {
      const outcome = await destination.deliver(other, context(fake.env, false));
      if (outcome.kind === 'delivered') break;
      expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/429/) });
      await new Promise((done) => setTimeout(done, outcome.kind === 'retry' ? (outcome.afterMs ?? 200) : 0));
    }
  }
  const retry = await destination.deliver(lead, context(fake.env, true));
  expect(retry.kind).toBe('exists');
  return fake.leadsWithEmail(String(lead.fields.email)).length - 1;
}

describe('a retry after an uncertain attempt finds the lead however many arrived since', () => {
  it('Capillary, with 250 leads in between (three pages of its search)', async () => {
    expect(await duplicatesAfter(await startCapillaryFake(), capillary, 250)).toBe(0);
  });

  it('Close, with 310 leads in between (four pages of its list)', async () => {
    expect(await duplicatesAfter(await startCloseFake(), close, 310)).toBe(0);
  }, 30_000);
});

describe('the lookup stops at the first lead older than the submission', () => {
  const dayAgo = () => new Date(Date.now() - 86_400_000).toISOString();

  it('Capillary reads one page of a long history, then creates the lead', async () => {
    const fake = await startCapillaryFake();
    for (let id = 1; id <= 1000; id++) {
      fake.leads.push({ id, userId: 1, type: 'CUSTOM', leadFor: 'older', status: 'OPEN', createdOn: dayAgo(), followUpDetails: [] });
    }
    const destination = build(fake, capillary);
    const lead = sampleLead();
    expect(await destination.deliver(lead, context(fake.env, true))).toMatchObject({ kind: 'delivered' });
    expect(listReads(fake)).toBe(1);
    expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(1);
  });

  it('Close reads one page of a long history, then creates the lead', async () => {
    const fake = await startCloseFake();
    for (let i = 0; i < 1000; i++) {
      fake.leads.push({ id: `lead_older${i}`, contacts: [], description: 'an older lead', date_created: dayAgo(), date_updated: dayAgo() });
    }
    const destination = build(fake, close);
    const lead = sampleLead();
    expect(await destination.deliver(lead, context(fake.env, true))).toMatchObject({ kind: 'delivered' });
    expect(listReads(fake)).toBe(1);
    expect(fake.leadsWithEmail(String(lead.fields.email))).toHaveLength(1);
  });
});
