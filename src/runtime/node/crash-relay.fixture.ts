/**
 * The relay process the crash test kills: the Node entry's `startNodeRelay` with one destination
 * that calls a local fake CRM ($FAKE_CRM_URL) the way the real adapters call a vendor with no
 * idempotency key: after an uncertain attempt it looks the lead up before creating it again. Its
 * form keeps partials, promoted after a tenth of a second. Prints `READY <url>` once it listens.
 */
import type { DestinationFactory } from '../../destinations/types.ts';
import { startNodeRelay } from './server.ts';

const crm = process.env.FAKE_CRM_URL!;

const lookupThenCreate: DestinationFactory = () => ({
  ok: true,
  value: {
    type: 'fake-crm',
    async deliver(lead, context) {
      if (context.uncertain) {
        const found = await context.fetch(`${crm}/leads/${lead.id}`, { signal: context.signal });
        if (found.status === 200) return { kind: 'exists', remoteId: lead.id };
      }
      const created = await context.fetch(`${crm}/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: lead.id }),
        signal: context.signal,
      });
      if (created.status === 201) return { kind: 'delivered', remoteId: lead.id };
      return { kind: 'retry', reason: `HTTP ${created.status}`, uncertain: created.status >= 500 };
    },
  },
});

const started = await startNodeRelay({
  config: {
    // Partials are kept for a tenth of a second, then promoted to the CRM (the partials crash test).
    forms: {
      contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'crm', partials: true, partialAfterMinutes: 0.002 },
    },
    destinations: { crm: { type: 'fake-crm', deliverPartials: true } },
    limits: { perIp: { requests: 10_000, perSeconds: 1 } },
    // Leads the killed process had claimed are taken over one delivery timeout after their claim.
    delivery: { timeoutMs: 2000 },
  },
  port: 0,
  hostname: '127.0.0.1',
  dataDir: process.env.LEADFORM_DATA_DIR!,
  pollMs: 50,
  partialSweepMs: 20,
  log: () => {},
  extraDestinations: { 'fake-crm': lookupThenCreate },
});
if (!started.ok) {
  console.error(started.problems.join('\n'));
  process.exit(1);
}
console.log(`READY ${started.value.url}`);
