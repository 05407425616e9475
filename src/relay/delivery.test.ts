import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination, DeliveryOutcome, Lead } from '../destinations/types.ts';
import { SqliteStore } from '../runtime/node/sqlite-store.ts';
import { parseConfig } from './config.ts';
import { backoffMs, deliverDue } from './delivery.ts';

const config = (() => {
  const result = parseConfig({
    forms: { f: { fields: [{ name: 'email', type: 'email' }], destination: 'crm' } },
    destinations: { crm: { type: 'test' } },
    delivery: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 4000 },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
})();

const lead = (id: string): Lead => ({ id, formId: 'f', receivedAt: new Date(1_000).toISOString(), fields: { email: 'a@b.co' } });

/** A destination that answers from a script and remembers what it was asked. */
function scripted(...outcomes: (DeliveryOutcome | Error)[]) {
  const calls: { id: string; attempt: number; uncertain: boolean }[] = [];
  const destination: Destination = {
    type: 'test',
    async deliver(l, context) {
      calls.push({ id: l.id, attempt: context.attempt, uncertain: context.uncertain });
      const next = outcomes.shift() ?? { kind: 'delivered' };
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { destination, calls };
}

let dir: string;
let store: SqliteStore;
let clock: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadform-delivery-'));
  store = new SqliteStore({ file: join(dir, 'outbox.sqlite') });
  clock = 1_000;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const deps = (destination: Destination, random = () => 0.5) => ({
  config,
  outbox: store,
  destinations: new Map([['crm', destination]]),
  now: () => clock,
  random,
});

describe('backoffMs', () => {
  it('draws from [0, min(cap, base·2^(n-1)))', () => {
    const policy = config.delivery;
    expect(backoffMs(1, policy, () => 0.999)).toBe(999);
    expect(backoffMs(3, policy, () => 0.5)).toBe(2000);
    expect(backoffMs(10, policy, () => 0.999)).toBe(3996);
    expect(backoffMs(2, policy, () => 0)).toBe(0);
  });
});

describe('deliverDue', () => {
  it('delivers a due lead and records the vendor id', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const { destination } = scripted({ kind: 'delivered', remoteId: 'R1' });
    expect(await deliverDue(deps(destination))).toBe(1);
    expect(await store.get('a')).toMatchObject({ state: 'delivered', attempts: 1, remoteId: 'R1', lastError: null });
  });

  it('waits at least as long as the vendor asked before retrying', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const { destination, calls } = scripted({ kind: 'retry', reason: 'HTTP 429', afterMs: 30_000 });
    await deliverDue(deps(destination));
    expect(await store.get('a')).toMatchObject({ state: 'pending', nextAttemptAt: clock + 30_000, lastError: 'HTTP 429' });
    clock += 29_999;
    expect(await deliverDue(deps(destination))).toBe(0);
    clock += 1;
    expect(await deliverDue(deps(destination))).toBe(1);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
  });

  it('marks later attempts uncertain after a throw, so the adapter looks before creating', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const { destination, calls } = scripted(new TypeError('fetch failed'), { kind: 'retry', reason: 'HTTP 503' });
    for (let i = 0; i < 3; i++) {
      clock += 10_000;
      await deliverDue(deps(destination));
    }
    expect(calls.map((c) => c.uncertain)).toEqual([false, true, true]);
  });

  it('dead-letters after the last attempt, keeping the reason, and replays on request', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const { destination } = scripted(
      { kind: 'retry', reason: 'HTTP 500' },
      { kind: 'retry', reason: 'HTTP 500' },
      { kind: 'retry', reason: 'HTTP 502' },
    );
    for (let i = 0; i < 3; i++) {
      clock += 10_000;
      await deliverDue(deps(destination));
    }
    expect(await store.get('a')).toMatchObject({ state: 'dead', attempts: 3, lastError: 'gave up after 3 attempts: HTTP 502' });
    expect(await store.replay('a', clock)).toBe(true);
    await deliverDue(deps(destination));
    expect(await store.get('a')).toMatchObject({ state: 'delivered' });
  });

  it('dead-letters a permanent failure at once', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    await deliverDue(deps(scripted({ kind: 'failed', reason: 'HTTP 401: invalid token' }).destination));
    expect(await store.get('a')).toMatchObject({ state: 'dead', attempts: 1, lastError: 'HTTP 401: invalid token' });
  });

  it('treats an entry a crashed process left mid-attempt as uncertain', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    expect(await store.due(clock, 10)).toHaveLength(1); // claimed, then the process "dies"
    store.close();
    store = new SqliteStore({ file: join(dir, 'outbox.sqlite') });
    const { destination, calls } = scripted({ kind: 'exists', remoteId: 'R1' });
    await deliverDue(deps(destination));
    expect(calls).toEqual([{ id: 'a', attempt: 1, uncertain: true }]);
    expect(await store.get('a')).toMatchObject({ state: 'delivered', remoteId: 'R1' });
  });
});
