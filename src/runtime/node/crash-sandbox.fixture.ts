/**
 * The relay process the sandbox crash test kills: the Node entry's `startNodeRelay` delivering to
 * the sandbox inbox in the outbox's own transactions, each lead as it is accepted and the leads
 * left pending a batch every few milliseconds. Prints `READY <url>` once it listens.
 */
import { startNodeRelay } from './server.ts';

const started = await startNodeRelay({
  config: {
    forms: { contact: { fields: [{ name: 'email', type: 'email', required: true }], minFillMs: 0, destination: 'inbox' } },
    destinations: { inbox: { type: 'sandbox' } },
    limits: { perIp: { requests: 100_000, perSeconds: 1 }, perForm: { requests: 100_000, perSeconds: 1 } },
  },
  port: 0,
  hostname: '127.0.0.1',
  dataDir: process.env.LEADFORM_DATA_DIR!,
  pollMs: 50,
  inTransactionBatchMs: 2,
  log: () => {},
});
if (!started.ok) {
  console.error(started.problems.join('\n'));
  process.exit(1);
}
console.log(`READY ${started.value.url}`);
