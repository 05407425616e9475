/**
 * The accept path's view of the Workers outbox: each call goes to the Durable Object of the
 * lead's destination; admin queries ask every destination's object and merge the answers.
 */
import type { RelayConfig } from '../../relay/config.ts';
import { encodeCursor, newestFirst, type OutboxEntry, type OutboxStats, type RelayOutbox } from '../../relay/outbox.ts';
import type { Env } from './shared.ts';

export function durableOutbox(env: Env, config: RelayConfig): RelayOutbox {
  const object = (destination: string) => env.OUTBOX.get(env.OUTBOX.idFromName(destination));
  const all = () => Object.keys(config.destinations).map(object);
  const destinationOf = (formId: string) => config.forms[formId]!.destination;

  return {
    accept: (input) => object(input.destination).accept(input),
    findByIdempotencyKey: (formId, key) => object(destinationOf(formId)).findByIdempotencyKey(formId, key),
    // Each object's page after the cursor holds every entry of the merged page that it has: the
    // merge keeps the first `limit`, and its last entry's position is a cursor for every object.
    async list(state, limit, cursor) {
      const pages = await Promise.all(all().map((o) => o.list(state, limit, cursor)));
      const merged = pages.flatMap((page) => page.entries as OutboxEntry[]).sort(newestFirst);
      const entries = merged.slice(0, limit);
      const last = entries.at(-1);
      const more = merged.length > limit || pages.some((page) => page.next !== null);
      return { entries, next: more && last ? encodeCursor(last) : null };
    },
    async get(id) {
      const found = await Promise.all(all().map((o) => o.get(id)));
      return found.find((entry) => entry !== null) ?? null;
    },
    async replay(id, now) {
      const replayed = await Promise.all(all().map((o) => o.replay(id, now)));
      return replayed.includes(true);
    },
    async stats() {
      const each = await Promise.all(all().map((o) => o.stats()));
      return each.reduce<OutboxStats>(
        (sum, s) => ({
          pending: sum.pending + s.pending,
          delivered: sum.delivered + s.delivered,
          dead: sum.dead + s.dead,
          oldestPendingAt: s.oldestPendingAt === null ? sum.oldestPendingAt : Math.min(s.oldestPendingAt, sum.oldestPendingAt ?? Infinity),
        }),
        { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null },
      );
    },
  };
}
