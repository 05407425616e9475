import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../relay/config.ts';
import { MemoryOutbox } from '../../relay/memory-outbox.ts';
import type { Lead } from '../../schema/lead.ts';
import { durableOutbox } from './durable-outbox.ts';
import type { Env } from './shared.ts';

const config = (() => {
  const result = parseConfig({
    forms: { a: { fields: [{ name: 'email', type: 'email' }], destination: 'one' }, b: { fields: [{ name: 'email', type: 'email' }], destination: 'two' } },
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
