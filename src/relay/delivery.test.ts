import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { defineDestination } from '../destinations/define.ts';
import { classify, send } from '../destinations/http.ts';
import type { Destination, DeliveryOutcome } from '../destinations/types.ts';
import type { Lead } from '../schema/lead.ts';
import { parseConfig } from './config.ts';
import { backoffMs, createPacer, deliverDue, deleteExpiredLeads, scrubSecrets } from './delivery.ts';
import type { LogFields } from './log.ts';
import { MemoryOutbox } from './memory-outbox.ts';

const config = (() => {
  const result = parseConfig({
    forms: { f: { fields: [{ name: 'email', type: 'email' }], destination: 'crm' } },
    destinations: { crm: { type: 'test' } },
    delivery: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 4000, timeoutMs: 5000 },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
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

let store: MemoryOutbox;
let clock: number;
beforeEach(() => {
  store = new MemoryOutbox();
  clock = 1_000;
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

  it('after an uncertain attempt waits at least a delivery timeout, so a call still on its way lands before the lookup', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    await store.accept({ lead: lead('b'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const { destination } = scripted(
      { kind: 'retry', reason: 'no answer before the delivery timeout', uncertain: true },
      { kind: 'retry', reason: 'HTTP 503' },
    );
    // The backoff draw is 0: without the settling time both would be due again at once.
    await deliverDue(deps(destination, () => 0));
    expect(await store.get('a')).toMatchObject({ state: 'pending', uncertain: true, nextAttemptAt: clock + config.delivery.timeoutMs });
    expect(await store.get('b')).toMatchObject({ state: 'pending', uncertain: false, nextAttemptAt: clock });
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
    const { destination } = scripted({ kind: 'retry', reason: 'HTTP 500' }, { kind: 'retry', reason: 'HTTP 500' }, { kind: 'retry', reason: 'HTTP 502' });
    for (let i = 0; i < 3; i++) {
      clock += 10_000;
      await deliverDue(deps(destination));
    }
    expect(await store.get('a')).toMatchObject({ state: 'dead', attempts: 3, lastError: 'gave up after 3 attempts: HTTP 502' });
    expect(await store.replay('a', clock)).toBe(true);
    await deliverDue(deps(destination));
    expect(await store.get('a')).toMatchObject({ state: 'delivered' });
  });

  it('replays a dead letter whose attempts may have reached the vendor as uncertain, so the adapter looks first', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const timedOut = { kind: 'retry', reason: 'timed out', uncertain: true } as const;
    const { destination, calls } = scripted({ kind: 'retry', reason: 'HTTP 503' }, timedOut, timedOut);
    for (let i = 0; i < 3; i++) {
      clock += 10_000;
      await deliverDue(deps(destination));
    }
    expect(await store.get('a')).toMatchObject({ state: 'dead', uncertain: true });
    expect(await store.replay('a', clock)).toBe(true);
    await deliverDue(deps(destination));
    expect(calls.map((c) => c.uncertain)).toEqual([false, false, true, true]);
  });

  it("counts a replayed dead letter's age from its replay, so an old lead gets its attempts again", async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const { destination, calls } = scripted(
      { kind: 'retry', reason: 'HTTP 503' },
      { kind: 'retry', reason: 'HTTP 503' },
      { kind: 'retry', reason: 'HTTP 429', afterMs: 1000 },
    );
    clock += config.delivery.maxAgeHours * 3_600_000;
    await deliverDue(deps(destination));
    expect(await store.get('a')).toMatchObject({ state: 'dead', lastError: `gave up after older than ${config.delivery.maxAgeHours} h: HTTP 503` });
    clock += 86_400_000;
    expect(await store.replay('a', clock)).toBe(true);
    expect(await store.get('a')).toMatchObject({ state: 'pending', replayedAt: clock });
    for (let i = 0; i < 2; i++) {
      await deliverDue(deps(destination));
      expect(await store.get('a')).toMatchObject({ state: 'pending' });
      clock += 10_000;
    }
    await deliverDue(deps(destination));
    expect(await store.get('a')).toMatchObject({ state: 'delivered' });
    expect(calls).toHaveLength(4);
  });

  it('dead-letters a permanent failure at once', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    await deliverDue(deps(scripted({ kind: 'failed', reason: 'HTTP 401: invalid token' }).destination));
    expect(await store.get('a')).toMatchObject({ state: 'dead', attempts: 1, lastError: 'HTTP 401: invalid token' });
  });

  it('treats an entry a crashed process left mid-attempt as uncertain, and attempts it once that call can no longer be on its way', async () => {
    await store.accept({ lead: lead('a'), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    expect(await store.due(clock, 10)).toHaveLength(1); // claimed, then the process "dies"
    store = new MemoryOutbox({ storage: store.storage, takeOverAfterMs: config.delivery.timeoutMs });
    const { destination, calls } = scripted({ kind: 'exists', remoteId: 'R1' });
    clock += config.delivery.timeoutMs - 1;
    expect(await deliverDue(deps(destination))).toBe(0);
    expect(store.nextDueAt()).toBe(clock + 1);
    clock += 1;
    await deliverDue(deps(destination));
    expect(calls).toEqual([{ id: 'a', attempt: 1, uncertain: true }]);
    expect(await store.get('a')).toMatchObject({ state: 'delivered', remoteId: 'R1' });
  });
});

describe('attempts whose outcome is unknown', () => {
  const accept = (id: string) => store.accept({ lead: lead(id), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
  /** Lets the attempts under way reach the vendor call they will never come back from. */
  const settle = () => new Promise((done) => setTimeout(done, 0));

  it('counts an attempt as it starts, so a lead whose every attempt stops the relay ends a dead letter instead of being taken over for ever', async () => {
    await accept('a');
    const calls: number[] = [];
    // Each call "kills the process": it never returns, and nothing after it runs.
    const deadly: Destination = {
      type: 'test',
      deliver: (_lead, context) => {
        calls.push(context.attempt);
        return new Promise(() => {});
      },
    };
    for (let restart = 0; restart < config.delivery.maxAttempts + 2; restart++) {
      store = new MemoryOutbox({ storage: store.storage, takeOverAfterMs: config.delivery.timeoutMs });
      void deliverDue(deps(deadly));
      await settle();
      clock += config.delivery.timeoutMs;
    }
    expect(calls).toEqual([1, 2, 3]);
    const dead = await store.get('a');
    expect(dead).toMatchObject({ state: 'dead', attempts: 3, uncertain: true });
    expect(dead?.lastError).toMatch(/^gave up after 3 attempts: the relay stopped during the last of them/);
    // A replay starts the count afresh, and its attempt looks for the lead first.
    expect(await store.replay('a', clock)).toBe(true);
    const { destination, calls: replayed } = scripted({ kind: 'exists', remoteId: 'R1' });
    await deliverDue(deps(destination));
    expect(replayed).toEqual([{ id: 'a', attempt: 1, uncertain: true }]);
    expect(await store.get('a')).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('keeps the counted attempts of a lead that once stopped the relay, and dead-letters it at the last as before', async () => {
    await accept('a');
    const first = store;
    const deadly: Destination = { type: 'test', deliver: () => new Promise(() => {}) };
    void deliverDue(deps(deadly));
    await settle();
    store = new MemoryOutbox({ storage: first.storage, takeOverAfterMs: config.delivery.timeoutMs });
    clock += config.delivery.timeoutMs;
    const { destination, calls } = scripted({ kind: 'retry', reason: 'HTTP 503' }, { kind: 'retry', reason: 'HTTP 502' });
    for (let i = 0; i < 3; i++) {
      await deliverDue(deps(destination));
      clock += 10_000;
    }
    expect(calls.map((c) => [c.attempt, c.uncertain])).toEqual([
      [2, true],
      [3, true],
    ]);
    expect(await store.get('a')).toMatchObject({ state: 'dead', attempts: 3, lastError: 'gave up after 3 attempts: HTTP 502' });
  });

  it('leaves a lead whose outcome could not be recorded claimed and uncertain, says so, and looks for it before creating it again', async () => {
    await accept('a');
    const lines: [string, LogFields | undefined][] = [];
    const flaky = new MemoryOutbox({ storage: store.storage });
    flaky.record = async () => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    };
    const { destination, calls } = scripted({ kind: 'delivered', remoteId: 'R1' }, { kind: 'exists', remoteId: 'R1' });
    await expect(deliverDue({ ...deps(destination), outbox: flaky, log: (event, fields) => lines.push([event, fields]) })).rejects.toThrow('disk I/O error');
    expect(await flaky.get('a')).toMatchObject({ state: 'pending', attempts: 1, lastError: null });
    expect(lines).toEqual([
      ['delivery.record_failed', expect.objectContaining({ id: 'a', outcome: 'delivered', error: expect.stringContaining('disk I/O error') })],
    ]);
    // The process that holds the claim wakes for it when its lease runs out, not in a busy loop before.
    expect(flaky.nextDueAt()).toBe(clock + 60_001);
    // Another process (or this one, after the lease) takes it up as uncertain: the adapter looks first.
    store = new MemoryOutbox({ storage: store.storage, takeOverAfterMs: config.delivery.timeoutMs });
    clock += config.delivery.timeoutMs;
    await deliverDue(deps(destination));
    expect(calls.map((c) => [c.attempt, c.uncertain])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(await store.get('a')).toMatchObject({ state: 'delivered', attempts: 2, remoteId: 'R1' });
  });

  it('does not call the vendor when the attempt cannot be counted first', async () => {
    await accept('a');
    const flaky = new MemoryOutbox({ storage: store.storage });
    flaky.start = async () => {
      throw new Error('SQLITE_FULL: database or disk is full');
    };
    const { destination, calls } = scripted();
    await expect(deliverDue({ ...deps(destination), outbox: flaky })).rejects.toThrow('disk is full');
    expect(calls).toEqual([]);
    expect(await store.get('a')).toMatchObject({ state: 'pending', attempts: 0 });
  });
});

describe('secrets in what a vendor answers', () => {
  const TOKEN = 's3cr3t+t0k/en=Zq9';
  /** An adapter as the real ones are made, sending its token in the URL, two headers and the body. */
  const echoing = defineDestination({
    type: 'echo',
    options: z.strictObject({ apiTokenEnv: z.string() }),
    secrets: ['apiTokenEnv'],
    async deliver(l, context) {
      const token = context.secrets.apiToken;
      const answer = await send(context, {
        method: 'POST',
        url: `https://crm.test/v1/leads?api_token=${encodeURIComponent(token)}`,
        headers: { Authorization: `Basic ${btoa(`${token}:`)}`, 'X-Api-Token': token },
        json: { lead: l.id, token },
      });
      return classify(answer, 'echo lead', true, JSON.stringify(answer.body));
    },
  });
  /** A vendor that answers with the request it was sent: all of it, or a long prefix then the URL. */
  const echo: typeof fetch = async (url, init) => {
    const request = { url: String(url), headers: init?.headers, body: init?.body };
    const id = (JSON.parse(String(init?.body)) as { lead: string }).lead;
    if (id === 'refused') throw new TypeError(`fetch failed: getaddrinfo ENOTFOUND ${String(url)}`);
    const body = id === 'cut' ? { detail: `${'x'.repeat(282)}${encodeURIComponent(TOKEN)}` } : id === 'all' ? request : { url: request.url };
    return Response.json(body, { status: id === 'all' ? 400 : 500 });
  };

  it('scrubs the token from the last error, the admin list and the logs, in every form the vendor echoes it', async () => {
    const built = echoing({ apiTokenEnv: 'CRM_TOKEN' }, {});
    if (!built.ok) throw new Error(built.problems.join('\n'));
    expect(built.value.secretNames).toEqual(['CRM_TOKEN']);
    for (const id of ['all', 'url', 'cut', 'refused']) await store.accept({ lead: lead(id), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const logged: string[] = [];
    await deliverDue({
      ...deps(built.value),
      fetch: echo,
      secret: (name) => (name === 'CRM_TOKEN' ? TOKEN : undefined),
      log: (event, fields) => logged.push(JSON.stringify([event, fields])),
    });
    const entries = [...(await store.list('dead', 10)).entries, ...(await store.list('pending', 10)).entries];
    expect(entries).toHaveLength(4);
    const forms = [TOKEN, encodeURIComponent(TOKEN), btoa(`${TOKEN}:`), TOKEN.slice(0, 8), encodeURIComponent(TOKEN).slice(0, 8)];
    for (const entry of entries) {
      expect(entry.lastError, entry.id).toContain('[secret CRM_TOKEN]');
      for (const form of forms) expect(entry.lastError, entry.id).not.toContain(form);
    }
    // The answer still says what went wrong, around the token.
    expect((await store.get('url'))?.lastError).toBe('echo lead: HTTP 500 {"url":"https://crm.test/v1/leads?api_token=[secret CRM_TOKEN]"}');
    expect((await store.get('refused'))?.lastError).toContain('connection failed (fetch failed: getaddrinfo ENOTFOUND https://crm.test/');
    for (const line of logged) for (const form of forms) expect(line).not.toContain(form);
  });

  it('scrubs a bearer token the vendor issued, and leaves text without secrets as it is', () => {
    expect(scrubSecrets('HTTP 401 {"echo":"Authorization: Bearer eyJhbGciOi.J9x_y-z"}', [])).toBe('HTTP 401 {"echo":"Authorization: Bearer [secret]"}');
    expect(scrubSecrets('HTTP 401 Bearer authentication required', [])).toBe('HTTP 401 Bearer authentication required');
    expect(scrubSecrets('close lead: HTTP 400 email is invalid', [['CLOSE_API_KEY', 'api_7Hh2kLq']])).toBe('close lead: HTTP 400 email is invalid');
    // Too short to be a credential: scrubbing it would erase ordinary words.
    expect(scrubSecrets('HTTP 400 the lead', [['SHORT', 'the']])).toBe('HTTP 400 the lead');
  });
});

describe('pacing', () => {
  /** A clock that only moves when someone sleeps on it. */
  const virtualTime = () => {
    const time = { now: 0, slept: [] as number[] };
    return {
      time,
      now: () => time.now,
      sleep: async (ms: number) => {
        time.slept.push(ms);
        time.now += ms;
      },
    };
  };

  it('lets at most `calls` through in any window of `perMs`', async () => {
    const { time, now, sleep } = virtualTime();
    const pacer = createPacer({ calls: 25, perMs: 5000 }, now, sleep);
    const starts: number[] = [];
    for (let i = 0; i < 60; i++) {
      await pacer.wait();
      starts.push(time.now);
      time.now += 10; // each call takes 10 ms
    }
    for (let i = 25; i < starts.length; i++) expect(starts[i]! - starts[i - 25]!).toBeGreaterThanOrEqual(5000);
    expect(starts[25]).toBe(5000);
    expect(starts[59]! - starts[0]!).toBeLessThan(11_000); // paced, not serialised to a crawl
  });

  it('takes waits made at once in turn, so attempts under way together stay within the window', async () => {
    const { time, now, sleep } = virtualTime();
    const pacer = createPacer({ calls: 2, perMs: 1000 }, now, sleep);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await pacer.wait();
        starts.push(time.now);
      }),
    );
    expect(starts).toEqual([0, 0, 1000, 1000, 2000, 2000]);
    expect(time.slept).toEqual([1000, 1000]);
  });

  it('paces each destination by its own limit, and delivers destinations side by side', async () => {
    const multi = parseConfig({
      forms: { a: { fields: [{ name: 'email', type: 'email' }], destination: 'slow' }, b: { fields: [{ name: 'email', type: 'email' }], destination: 'fast' } },
      destinations: { slow: { type: 'test' }, fast: { type: 'test' } },
    });
    if (!multi.ok) throw new Error(multi.problems.join('\n'));
    for (let i = 0; i < 4; i++) {
      await store.accept({ lead: { ...lead(`s${i}`), formId: 'a' }, destination: 'slow', idempotencyKey: null, bodyHash: 'h' });
      await store.accept({ lead: { ...lead(`f${i}`), formId: 'b' }, destination: 'fast', idempotencyKey: null, bodyHash: 'h' });
    }
    const order: string[] = [];
    const waits: number[] = [];
    const paced = (_name: string, pace?: { calls: number; perMs: number }): Destination => ({
      type: 'test',
      pace,
      async deliver(l, context) {
        await context.pace();
        order.push(l.id);
        return { kind: 'delivered' };
      },
    });
    let time = 1_000;
    await deliverDue({
      config: multi.value,
      outbox: store,
      destinations: new Map([
        ['slow', paced('slow', { calls: 2, perMs: 1000 })],
        ['fast', paced('fast')],
      ]),
      now: () => time,
      sleep: async (ms) => {
        waits.push(ms);
        time += ms;
      },
    });
    // The slow CRM (2 calls a second) waited once, for a full window, before its third call...
    expect(waits).toEqual([1000]);
    // ...while the fast one was not held up behind it.
    expect(order.filter((id) => id.startsWith('f'))).toEqual(['f0', 'f1', 'f2', 'f3']);
    expect(order.indexOf('f3')).toBeLessThan(order.indexOf('s3'));
    expect((await store.stats()).delivered).toBe(8);
  });

  it('paces a restarted process by the calls the one before it made, kept in the outbox', async () => {
    for (let i = 0; i < 4; i++) await store.accept({ lead: lead(`l${i}`), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const starts: number[] = [];
    const paced: Destination = {
      type: 'test',
      pace: { calls: 2, perMs: 1000 },
      async deliver(_l, context) {
        await context.pace();
        starts.push(clock);
        return { kind: 'delivered' };
      },
    };
    const sleep = async (ms: number) => {
      clock += ms;
    };
    // The first process makes two calls, a full window, then stops.
    await deliverDue({ ...deps(paced), pacers: new Map(), sleep }, 2);
    clock += 100;
    // Restarted: its pacers start empty, yet its first call waits until the window has room.
    store = new MemoryOutbox({ storage: store.storage });
    await deliverDue({ ...deps(paced), pacers: new Map(), sleep });
    expect(starts).toEqual([1_000, 1_000, 2_000, 2_000]);
  });
});

describe('a destination whose calls hang', () => {
  const TIMEOUT_MS = 200;
  const hung = (() => {
    const result = parseConfig({ ...config, delivery: { ...config.delivery, timeoutMs: TIMEOUT_MS } });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    return result.value;
  })();
  /** 20 leads to a vendor that never answers; when each first attempt began, from the pass's start, in ms. */
  async function firstAttempts(concurrency?: number, pace: Destination['pace'] = undefined, destination?: string): Promise<number[]> {
    const outbox = new MemoryOutbox();
    const now = new Date().toISOString();
    for (let i = 0; i < 20; i++) await outbox.accept({ lead: { ...lead(`h${i}`), receivedAt: now }, destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    const began: number[] = [];
    let started = 0;
    const hanging: Destination = {
      type: 'test',
      pace,
      deliver: (_l, context) =>
        new Promise((_, fail) => {
          began.push(performance.now() - started);
          context.signal.addEventListener('abort', () => fail(context.signal.reason));
        }),
    };
    started = performance.now();
    await deliverDue({ config: hung, outbox, destinations: new Map([['crm', hanging]]), ...(concurrency ? { concurrency } : {}) }, 50, destination);
    expect((await outbox.list('pending', 100)).entries.map((entry) => entry.lastError)).toEqual(Array(20).fill(`timed out after ${TIMEOUT_MS} ms`));
    return began;
  }

  it('costs one timeout per `concurrency` leads, not one per lead: all 20 begin within about one timeout at 20', async () => {
    const together = await firstAttempts(20);
    expect(together).toHaveLength(20);
    expect(Math.max(...together)).toBeLessThan(TIMEOUT_MS);
  });

  it("does not count an attempt's wait for the pacer against its timeout", async () => {
    const outbox = new MemoryOutbox();
    const now = new Date().toISOString();
    for (let i = 0; i < 4; i++) await outbox.accept({ lead: { ...lead(`p${i}`), receivedAt: now }, destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    // One call per 150 ms: the fourth of four attempts under way waits 450 ms for its turn, past the 200 ms timeout.
    const paced: Destination = {
      type: 'test',
      pace: { calls: 1, perMs: 150 },
      async deliver(_l, context) {
        await context.pace();
        context.signal.throwIfAborted();
        await new Promise((done) => setTimeout(done, 20));
        context.signal.throwIfAborted();
        return { kind: 'delivered' };
      },
    };
    await deliverDue({ config: hung, outbox, destinations: new Map([['crm', paced]]) });
    expect(await outbox.stats()).toMatchObject({ pending: 0, delivered: 4 });
  });

  it('runs a paced destination as many at once as its pace allows in one timeout: 20 begin within one timeout at 100/s', async () => {
    // 100 calls/s × 200 ms = 20 in flight; 4 at once would start the 20th after four timeouts.
    for (const destination of [undefined, 'crm']) {
      const began = await firstAttempts(undefined, { calls: 100, perMs: 1000 }, destination);
      expect(began).toHaveLength(20);
      expect(Math.max(...began)).toBeLessThan(TIMEOUT_MS);
    }
  });

  it('caps a paced destination at `maxPacedConcurrency`, and claims more as attempts free up', async () => {
    const outbox = new MemoryOutbox();
    const now = new Date().toISOString();
    for (let i = 0; i < 12; i++) await outbox.accept({ lead: { ...lead(`c${i}`), receivedAt: now }, destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    let inFlight = 0;
    let most = 0;
    const paced: Destination = {
      type: 'test',
      pace: { calls: 1000, perMs: 1000 },
      async deliver() {
        most = Math.max(most, ++inFlight);
        await new Promise((done) => setTimeout(done, 10));
        inFlight--;
        return { kind: 'delivered' };
      },
    };
    // A lease of two timeouts: one claim takes 3 × 1 round, so the 12 leads need four claims.
    const claims: number[] = [];
    const counting = Object.assign(Object.create(outbox) as MemoryOutbox, {
      due: async (at: number, limit: number, destination?: string) => {
        const entries = await outbox.due(at, limit, destination);
        claims.push(entries.length);
        return entries;
      },
    });
    const attempted = await deliverDue(
      { config: hung, outbox: counting, destinations: new Map([['crm', paced]]), maxPacedConcurrency: 3, claimLeaseMs: TIMEOUT_MS * 2 },
      Number.POSITIVE_INFINITY,
      'crm',
    );
    expect(attempted).toBe(12);
    expect(most).toBe(3);
    expect(claims).toEqual([3, 3, 3, 3, 0]);
    expect(await outbox.stats()).toMatchObject({ pending: 0, delivered: 12 });
  });

  it('runs 4 at once by default when unpaced: the 20th begins after 4 timeouts, not 19', async () => {
    const began = (await firstAttempts()).sort((a, b) => a - b);
    // Five rounds of four: the last round starts after four timeouts, far from nineteen.
    expect(began[3]!).toBeLessThan(TIMEOUT_MS / 2);
    expect(began[4]!).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
    expect(began[19]!).toBeGreaterThanOrEqual(TIMEOUT_MS * 4 * 0.9);
    // Timers fire late on a busy machine: the bound only has to stay far below nineteen timeouts.
    expect(began[19]!).toBeLessThan(TIMEOUT_MS * 12);
  });
});

describe('retention', () => {
  it('deletes the leads delivered longer ago than the setting, and remembers their keys for deletedKeyDays more', async () => {
    const day = 86_400_000;
    const kept = parseConfig({ ...config, retention: { deliveredPayloadDays: 7, deletedKeyDays: 2 } });
    if (!kept.ok) throw new Error(kept.problems.join('\n'));
    for (const id of ['old', 'recent', 'pending']) await store.accept({ lead: lead(id), destination: 'crm', idempotencyKey: `key-${id}`, bodyHash: 'h' });
    await store.record('old', { state: 'delivered', remoteId: 'R1' }, clock);
    await store.record('recent', { state: 'delivered', remoteId: 'R2' }, clock + 6 * day);
    const delivered = clock;
    clock += 7 * day + 1;
    expect(await deleteExpiredLeads({ config: kept.value, outbox: store, now: () => clock })).toBe(1);
    expect(await store.get('old')).toBeNull();
    expect((await store.get('recent'))?.lead?.id).toBe('recent');
    expect((await store.get('pending'))?.lead?.id).toBe('pending');
    // The key outlives the lead by deletedKeyDays, and no more.
    clock = delivered + 9 * day;
    await deleteExpiredLeads({ config: kept.value, outbox: store, now: () => clock });
    expect(await store.findByIdempotencyKey('f', 'key-old')).toEqual({ id: 'old', bodyHash: 'h' });
    clock = delivered + 9 * day + 2;
    await deleteExpiredLeads({ config: kept.value, outbox: store, now: () => clock });
    expect(await store.findByIdempotencyKey('f', 'key-old')).toBeNull();
  });

  it('deletes a backlog larger than one batch in several, all of it', async () => {
    const none = parseConfig({ ...config, retention: { deliveredPayloadDays: 0 } });
    if (!none.ok) throw new Error(none.problems.join('\n'));
    const ids = Array.from({ length: 2_500 }, (_, i) => `backlog-${i}`);
    for (const id of ids) await store.accept({ lead: lead(id), destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    for (const id of ids) await store.record(id, { state: 'delivered', remoteId: null }, clock);
    expect(await deleteExpiredLeads({ config: none.value, outbox: store, now: () => clock + 1 })).toBe(2_500);
    expect((await store.stats()).delivered).toBe(0);
  });
});

describe('a store form', () => {
  it('is delivered with its mapping as the form lookup serves it', async () => {
    const mappings: (Record<string, string> | undefined)[] = [];
    const destination: Destination = {
      type: 'test',
      async deliver(_, context) {
        mappings.push(context.mapping);
        return { kind: 'delivered' };
      },
    };
    const quote = { ...config.forms.f!, mapping: { email: 'contact_email' } };
    const forms = {
      get: (id: string) => (id === 'quote' ? { id, source: 'store' as const, version: 3, config: quote, definition: { id, ...quote } } : undefined),
      atVersion: async () => undefined,
    };
    await store.accept({ lead: { ...lead('q1'), formId: 'quote', formVersion: 3 }, destination: 'crm', idempotencyKey: null, bodyHash: 'h' });
    expect(await deliverDue({ ...deps(destination), forms }, 10)).toBe(1);
    expect(mappings).toEqual([{ email: 'contact_email' }]);
  });
});
