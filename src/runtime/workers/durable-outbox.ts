/**
 * The accept path's view of the Workers outbox: each destination's entries live in that
 * destination's Durable Object, so a lead to several destinations is stored in several objects;
 * admin queries ask every destination's object and merge the answers.
 */
import type { RelayConfig } from '../../relay/config.ts';
import { formDestinations } from '../../relay/config.ts';
import { fileFormLookup, type FormLookup } from '../../relay/forms/catalog.ts';
import {
  type AcceptInput,
  type AcceptResult,
  acceptDestinations,
  type DestinationStats,
  encodeCursor,
  entryDestination,
  entryId,
  newestFirst,
  type OutboxEntry,
  type OutboxStats,
  type RelayOutbox,
} from '../../relay/outbox.ts';
import type { Env } from './shared.ts';

export function durableOutbox(env: Env, config: RelayConfig, forms: FormLookup = fileFormLookup(config.forms)): RelayOutbox {
  const object = (destination: string) => env.OUTBOX.get(env.OUTBOX.idFromName(destination));
  const names = Object.keys(config.destinations);
  const all = () => names.map(object);
  // The first destination a form lists keeps the say on its Idempotency-Keys (see `accept`).
  // A form unknown by now (a store form removed meanwhile) has no keys to find: its first destination is asked in vain.
  const primaryOf = (formId: string) => formDestinations(forms.get(formId)?.config ?? { destination: names[0] })[0]!;
  /** The object that holds entry `id` when its name says so (`<lead id>.<destination>`); else every object. */
  const holders = (id: string) => {
    const named = entryDestination(id, names);
    return named === null ? all() : [object(named)];
  };

  /**
   * Several objects cannot share one commit, so the first destination's object decides: it
   * stores its entry or answers with the lead's id a key was used for before; only then are the
   * other destinations' entries stored, under that same id, each object answering a key it
   * already holds without storing it twice. A retry after a partial failure (one object stored,
   * another did not) thus completes the missing entries under the first id, and two requests
   * with one key at once get one id. The 202 waits for every object.
   */
  async function accept(input: AcceptInput): Promise<AcceptResult> {
    const destinations = acceptDestinations(input);
    const [primary, ...others] = destinations;
    const first = await object(primary!).accept({ ...input, keep: [primary!] });
    if (first.kind === 'conflict' || others.length === 0) return first;
    let lead = input.lead;
    if (first.id !== lead.id) {
      // A retry: the other entries carry the lead as it was first stored, where it is still kept.
      const kept = await object(primary!).get(entryId(first.id, primary!, destinations.length));
      // Retention deleted the lead at its first destination (its key's tombstone answered): it was
      // delivered there long ago, and another object may have dropped its own tombstone sooner,
      // so completing the entries now would deliver the lead twice rather than repair it.
      if (!kept) return first;
      lead = kept.lead ?? { ...lead, id: first.id };
    }
    const rest = await Promise.all(others.map((name) => object(name).accept({ ...input, lead, keep: [name] })));
    const conflict = rest.find((result) => result.kind === 'conflict');
    return conflict ?? first;
  }

  return {
    accept,
    findByIdempotencyKey: (formId, key) => object(primaryOf(formId)).findByIdempotencyKey(formId, key),
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
      const found = await Promise.all(holders(id).map((o) => o.get(id)));
      return found.find((entry) => entry !== null) ?? null;
    },
    async replay(id, now) {
      const replayed = await Promise.all(holders(id).map((o) => o.replay(id, now)));
      return replayed.includes(true);
    },
    async stats() {
      const each = await Promise.all(all().map((o) => o.stats()));
      return each.reduce<OutboxStats>(addStats, { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null });
    },
    async destinationStats() {
      const each = await Promise.all(all().map((o) => o.destinationStats()));
      const merged: DestinationStats = {};
      for (const counts of each) {
        for (const [name, stats] of Object.entries(counts))
          merged[name] = addStats(merged[name] ?? { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null }, stats);
      }
      return merged;
    },
  };
}

function addStats(sum: OutboxStats, s: OutboxStats): OutboxStats {
  return {
    pending: sum.pending + s.pending,
    delivered: sum.delivered + s.delivered,
    dead: sum.dead + s.dead,
    oldestPendingAt: s.oldestPendingAt === null ? sum.oldestPendingAt : Math.min(s.oldestPendingAt, sum.oldestPendingAt ?? Number.POSITIVE_INFINITY),
  };
}
