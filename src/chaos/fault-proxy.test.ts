/**
 * The chaos suite is only as good as its faults: each one the proxy claims must happen, on the
 * right side of the vendor's commit. Checked against a fake vendor that counts what it stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type RunningServer } from '../destinations/fakes/server.ts';
import { type ChaosFault, type FaultProxy, seededRandom, startFaultProxy } from './fault-proxy.ts';

let vendor: RunningServer;
let stored = 0;
const injected: ChaosFault[] = [];

beforeAll(async () => {
  vendor = await startFakeServer(() => {
    stored += 1;
    return { status: 201, json: { id: stored } };
  });
});
afterAll(() => vendor.close());

/** A proxy that always applies `fault`. */
async function proxyWith(fault: ChaosFault): Promise<FaultProxy> {
  return startFaultProxy(
    vendor.url,
    { rate: 1, weights: { [fault]: 1 }, slowMs: 100, isCreate: (method) => method === 'POST', inject: (f) => void injected.push(f) },
    () => 0.5,
  );
}

async function call(proxy: FaultProxy, timeoutMs = 400): Promise<{ status: number } | { lost: string }> {
  try {
    const response = await fetch(`${proxy.url}/leads`, {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.text();
    return { status: response.status };
  } catch (error) {
    return { lost: (error as Error).name };
  }
}

describe('the random-fault proxy', () => {
  const cases: [ChaosFault, (answer: Awaited<ReturnType<typeof call>>) => void, number][] = [
    ['resetBefore', (answer) => expect(answer).toHaveProperty('lost'), 0],
    ['hangBefore', (answer) => expect(answer).toEqual({ lost: 'TimeoutError' }), 0],
    ['gateway502', (answer) => expect(answer).toEqual({ status: 502 }), 0],
    ['slow', (answer) => expect(answer).toEqual({ status: 201 }), 1],
    ['resetAfter', (answer) => expect(answer).toHaveProperty('lost'), 1],
    ['gateway504After', (answer) => expect(answer).toEqual({ status: 504 }), 1],
  ];
  for (const [fault, expectAnswer, commits] of cases) {
    it(`${fault}: the caller sees the fault and the vendor stored ${commits} lead(s)`, async () => {
      const proxy = await proxyWith(fault);
      const before = stored;
      expectAnswer(await call(proxy));
      expect(stored - before).toBe(commits);
      expect(proxy.counts[fault]).toBe(1);
      await proxy.close();
    });
  }

  it('queues a vendor fault on the fake before a creating call only', async () => {
    const proxy = await proxyWith('vendor:serverError');
    injected.length = 0;
    await fetch(`${proxy.url}/leads`).then((r) => r.text());
    expect(injected).toEqual([]);
    expect(await call(proxy)).toEqual({ status: 201 });
    expect(injected).toEqual(['vendor:serverError']);
    await proxy.close();
  });

  it('lets every call through untouched at rate 0, and draws the same faults from the same seed', async () => {
    const proxy = await startFaultProxy(vendor.url, { rate: 0, weights: { resetBefore: 1 }, slowMs: 0, isCreate: () => true, inject: () => {} }, Math.random);
    for (let i = 0; i < 5; i++) expect(await call(proxy)).toEqual({ status: 201 });
    expect(proxy.counts).toEqual({ none: 5 });
    expect(proxy.arrivals).toHaveLength(5);
    await proxy.close();
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });
});
