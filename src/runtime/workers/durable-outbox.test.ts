import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../relay/config.ts';
import { MemoryOutbox } from '../../relay/memory-outbox.ts';
import type { Lead } from '../../schema/lead.ts';
import { durableOutbox } from './durable-outbox.ts';
import type { Env } from './shared.ts';

const config = (() => {
  const result = parseConfig({
    forms: {
      a: { fields: [{ name: 'email', type: 'email' }], destination: 'one' },
      b: { fields: [{ name: 'email', type: 'email' }], destination: 'two' },
      c: { fields: [{ name: 'email', type: 'email' }], destinations: ['two', 'one', 'three'] },
    },
    destinations: { one: { type: 'test' }, two: { type: 'test' }, three: { type: 'test' } },
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
})();

/** Each destination's Durable Object stood in for by a memory outbox, called as the Worker calls it. */
function objects() {
  const stores = new Map<string, MemoryOutbox>();
  const env = {
    OUTBOX: {
      idFromName: (name: string) => name,
      get: (name: string) => {
        if (!stores.has(name)) stores.set(name, new MemoryOutbox());
        return stores.get(name)!;
      },
    },
  } as unknown as Env;
  return { env, stores };
}

const T0 = Date.UTC(2026, 10, 1);
const lead = (id: string, formId: string, at: number): Lead => ({ id, formId, receivedAt: new Date(at).toISOString(), fields: { email: 'a@b.co' } });

describe('the Workers outbox across destinations', () => {
  it('pages the merged list newest first, each entry once, whatever object holds it', async () => {
    const { env } = objects();
    const outbox = durableOutbox(env, config);
    // Interleaved in time across two objects, with ties on the millisecond between them.
    const accepted: { id: string; at: number }[] = [];
    for (let i = 0; i < 23; i++) {
      const id = `lead-${String(i).padStart(2, '0')}`;
      const at = T0 + Math.floor(i / 3);
      accepted.push({ id, at });
      await outbox.accept({ lead: lead(id, i % 3 === 0 ? 'b' : 'a', at), destination: i % 3 === 0 ? 'two' : 'one', idempotencyKey: null, bodyHash: 'h' });
    }
    const expected = accepted.sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : -1)).map((entry) => entry.id);
    for (const limit of [1, 2, 4, 5, 23, 24]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await outbox.list('pending', limit, cursor);
        seen.push(...page.entries.map((entry) => entry.id));
        cursor = page.next ?? undefined;
        pages++;
      } while (cursor !== undefined);
      expect(seen, `limit ${limit}`).toEqual(expected);
      expect(pages, `limit ${limit}`).toBe(Math.max(1, Math.ceil(23 / limit)));
    }
  });

  it('adds up the counts of every object', async () => {
    const { env } = objects();
    const outbox = durableOutbox(env, config);
    await outbox.accept({ lead: lead('x', 'a', T0 + 5), destination: 'one', idempotencyKey: null, bodyHash: 'h' });
    await outbox.accept({ lead: lead('y', 'b', T0), destination: 'two', idempotencyKey: null, bodyHash: 'h' });
    expect(await outbox.stats()).toEqual({ pending: 2, delivered: 0, dead: 0, oldestPendingAt: T0 });
  });
});

describe('the Workers outbox, a lead to several destinations', () => {
  const fanned = (id: string, key: string | null, hash = 'h', at = T0) =>
    ({ lead: lead(id, 'c', at), destinations: ['two', 'one', 'three'], idempotencyKey: key, bodyHash: hash }) as const;

  it("stores the lead's entry in each destination's object, and finds each by its id", async () => {
    const { env, stores } = objects();
    const outbox = durableOutbox(env, config);
    expect(await outbox.accept(fanned('L', 'k'))).toEqual({ kind: 'stored', id: 'L' });
    for (const name of ['one', 'two', 'three']) {
      expect((await stores.get(name)!.list('pending', 10)).entries.map((entry) => [entry.id, entry.leadId, entry.destination])).toEqual([
        [`L.${name}`, 'L', name],
      ]);
      expect(await outbox.get(`L.${name}`)).toMatchObject({ destination: name });
    }
    expect(await outbox.findByIdempotencyKey('c', 'k')).toEqual({ id: 'L', bodyHash: 'h' });
    expect(await outbox.destinationStats()).toEqual({
      one: { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 },
      two: { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 },
      three: { pending: 1, delivered: 0, dead: 0, oldestPendingAt: T0 },
    });
  });

  it('completes the entries a failed accept left missing when the visitor retries with the same key, under the first id', async () => {
    const { env, stores } = objects();
    const outbox = durableOutbox(env, config);
    // The object of "three" fails once, after "two" (which decides) and "one" stored theirs.
    const three = env.OUTBOX.get('three' as never) as unknown as MemoryOutbox;
    const accept = three.accept.bind(three);
    let failures = 1;
    three.accept = async (input) => {
      if (failures-- > 0) throw new Error('Durable Object reset');
      return accept(input);
    };
    await expect(outbox.accept(fanned('first-try', 'k'))).rejects.toThrow('Durable Object reset');
    expect(await three.stats()).toMatchObject({ pending: 0 });
    // The retry carries a new id and the same key and body: it is answered with the first id.
    expect(await outbox.accept(fanned('second-try', 'k', 'h', T0 + 500))).toEqual({ kind: 'replayed', id: 'first-try' });
    for (const name of ['one', 'two', 'three']) {
      const entries = (await stores.get(name)!.list('pending', 10)).entries;
      expect(entries.map((entry) => entry.id)).toEqual([`first-try.${name}`]);
      // The completed entry carries the lead as it was first stored.
      expect(entries[0]!.lead).toEqual(lead('first-try', 'c', T0));
    }
    // Once complete, a further retry stores nothing, and another body under the key is a conflict.
    expect(await outbox.accept(fanned('third-try', 'k'))).toEqual({ kind: 'replayed', id: 'first-try' });
    expect(await outbox.accept(fanned('other', 'k', 'h2'))).toEqual({ kind: 'conflict', id: 'first-try' });
    expect(await outbox.stats()).toMatchObject({ pending: 3 });
  });

  it('stores nothing again for a late retry of a lead retention deleted, even where its tombstone is gone', async () => {
    const { env, stores } = objects();
    const outbox = durableOutbox(env, config);
    expect(await outbox.accept(fanned('L', 'k'))).toEqual({ kind: 'stored', id: 'L' });
    // Delivered everywhere; "one" deleted it and dropped its tombstone first, "two" (which decides)
    // and "three" still hold their tombstones.
    for (const name of ['one', 'two', 'three']) {
      const store = stores.get(name)!;
      await store.due(T0, 10);
      await store.record(`L.${name}`, { state: 'delivered', remoteId: null }, T0 + 10);
      await store.deleteDelivered(T0 + 100, name === 'one' ? T0 + 101 : T0);
    }
    expect(await stores.get('one')!.findByIdempotencyKey('c', 'k')).toBeNull();
    expect(await outbox.accept(fanned('late', 'k', 'h', T0 + 200))).toEqual({ kind: 'replayed', id: 'L' });
    expect(await outbox.stats()).toEqual({ pending: 0, delivered: 0, dead: 0, oldestPendingAt: null });
  });

  it('gives two requests with one key at once one id, and one entry per destination', async () => {
    const { env } = objects();
    const outbox = durableOutbox(env, config);
    const results = await Promise.all([outbox.accept(fanned('x', 'k')), outbox.accept(fanned('y', 'k'))]);
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results.map((result) => result.kind).sort()).toEqual(['replayed', 'stored']);
    expect(await outbox.stats()).toMatchObject({ pending: 3 });
  });

  it("replays a dead entry in its own destination's object only", async () => {
    const { env, stores } = objects();
    const outbox = durableOutbox(env, config);
    await outbox.accept(fanned('L', null));
    const one = stores.get('one')!;
    await one.due(T0, 10);
    await one.record('L.one', { state: 'dead', error: 'HTTP 400' }, T0);
    expect(await outbox.replay('L.two', T0 + 1)).toBe(false);
    expect(await outbox.replay('L.one', T0 + 1)).toBe(true);
    expect(await outbox.get('L.one')).toMatchObject({ state: 'pending', replayedAt: T0 + 1 });
  });
});
