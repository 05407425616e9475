/**
 * The outbox in this process's memory: the same rules as `SqlOutbox` (the one outbox contract
 * suite holds both to them), with nothing to install, so the core's tests run without a native
 * module. Not durable: a runtime that acknowledges leads uses a store on disk.
 *
 * Two instances opened on one `MemoryOutboxStorage` behave as two processes sharing a file: each
 * has its own claims, and one sees the entries the other claimed and never recorded.
 */
import type { Lead } from '../schema/lead.ts';
import {
  type AcceptInput,
  acceptDestinations,
  type AcceptResult,
  type AttemptRecord,
  type DeletedDelivered,
  type DeliveryState,
  type DestinationStats,
  decodeCursor,
  encodeCursor,
  entryId,
  isAfter,
  type KeyLookup,
  newestFirst,
  type Outbox,
  type OutboxEntry,
  type OutboxOptions,
  type OutboxPage,
  type OutboxStats,
} from './outbox.ts';

interface StoredEntry extends Omit<OutboxEntry, 'lead'> {
  idempotencyKey: string | null;
  bodyHash: string;
  updatedAt: number;
  /** Kept as JSON text, as a store on disk keeps it: a reader never shares an object with it. */
  lead: string | null;
  claimedBy: string | null;
  claimedAt: number | null;
}

/** What two instances share to act as two processes on one store. */
export interface MemoryOutboxStorage {
  entries: Map<string, StoredEntry>;
  /** Each destination's latest call starts, as `keepCallStarts` kept them. */
  callStarts: Map<string, number[]>;
  /** The keys of leads retention deleted, by `tombstoneKey`, as `SqlOutbox`'s outbox_tombstones. */
  tombstones: Map<string, KeyLookup & { keptFrom: number }>;
}

export function memoryOutboxStorage(): MemoryOutboxStorage {
  return { entries: new Map(), callStarts: new Map(), tombstones: new Map() };
}

/** A key is scoped to its form; NUL appears in neither a form id nor a header value. */
const tombstoneKey = (formId: string, key: string) => `${formId}\u0000${key}`;

export class MemoryOutbox implements Outbox {
  private readonly processId = crypto.randomUUID();
  private readonly claimLeaseMs: number;
  private readonly takeOverAfterMs: number;
  readonly storage: MemoryOutboxStorage;

  constructor(options: OutboxOptions & { storage?: MemoryOutboxStorage } = {}) {
    this.storage = options.storage ?? memoryOutboxStorage();
    this.claimLeaseMs = options.claimLeaseMs ?? 60_000;
    this.takeOverAfterMs = options.takeOverAfterMs ?? 0;
  }

  private get entries(): Map<string, StoredEntry> {
    return this.storage.entries;
  }

  async accept(input: AcceptInput): Promise<AcceptResult> {
    if (input.idempotencyKey !== null) {
      const existing = this.findKey(input.lead.formId, input.idempotencyKey);
      if (existing) return { kind: existing.bodyHash === input.bodyHash ? 'replayed' : 'conflict', id: existing.id };
    }
    const destinations = acceptDestinations(input);
    const kept = (input.keep ?? destinations).map((destination) => ({ destination, id: entryId(input.lead.id, destination, destinations.length) }));
    // All or nothing, as one commit is.
    for (const { id } of kept) if (this.entries.has(id)) throw new Error(`outbox: an entry with id ${id} exists already`);
    for (const { destination, id } of kept) this.store(input, destination, id);
    return { kind: 'stored', id: input.lead.id };
  }

  private store(input: AcceptInput, destination: string, id: string): void {
    const now = Date.parse(input.lead.receivedAt);
    this.entries.set(id, {
      id,
      leadId: input.lead.id,
      formId: input.lead.formId,
      destination,
      idempotencyKey: input.idempotencyKey,
      bodyHash: input.bodyHash,
      state: 'pending',
      attempts: 0,
      createdAt: now,
      replayedAt: null,
      nextAttemptAt: now,
      updatedAt: now,
      lastError: null,
      uncertain: false,
      remoteId: null,
      lead: JSON.stringify(input.lead),
      claimedBy: null,
      claimedAt: null,
    });
  }

  private findKey(formId: string, key: string): KeyLookup | null {
    for (const entry of this.entries.values()) {
      if (entry.formId === formId && entry.idempotencyKey === key) return { id: entry.leadId, bodyHash: entry.bodyHash };
    }
    const tombstone = this.storage.tombstones.get(tombstoneKey(formId, key));
    return tombstone ? { id: tombstone.id, bodyHash: tombstone.bodyHash } : null;
  }

  async findByIdempotencyKey(formId: string, key: string): Promise<KeyLookup | null> {
    return this.findKey(formId, key);
  }

  async due(now: number, limit: number, destination?: string): Promise<OutboxEntry[]> {
    const claimable = (entry: StoredEntry) =>
      entry.claimedBy === null ||
      (entry.claimedBy !== this.processId && entry.claimedAt! <= now - this.takeOverAfterMs) ||
      entry.claimedAt! < now - this.claimLeaseMs;
    const due = [...this.entries.values()]
      .filter(
        (entry) =>
          entry.state === 'pending' && entry.nextAttemptAt <= now && claimable(entry) && (destination === undefined || entry.destination === destination),
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt)
      .slice(0, limit);
    return due.map((entry) => {
      // A claim still on the entry was another process's (or this one's, past its lease), which
      // died mid-attempt: the vendor may have the lead, so the next attempt must look first.
      const crashedMidAttempt = entry.claimedBy !== null;
      entry.claimedBy = this.processId;
      entry.claimedAt = now;
      return toEntry(entry, crashedMidAttempt);
    });
  }

  async start(id: string, _now: number): Promise<void> {
    const entry = this.entries.get(id);
    if (entry?.state === 'pending') entry.attempts += 1;
  }

  async record(id: string, record: AttemptRecord, now: number): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    // The attempt was counted when it started (`start`).
    entry.state = record.state;
    entry.nextAttemptAt = record.state === 'pending' ? record.nextAttemptAt : now;
    entry.lastError = record.state === 'delivered' ? null : record.error;
    // Uncertainty only grows, as in SqlOutbox.
    entry.uncertain ||= record.state !== 'delivered' && record.uncertain === true;
    if (record.state === 'delivered' && record.remoteId !== null) entry.remoteId = record.remoteId;
    entry.updatedAt = now;
    entry.claimedBy = null;
    entry.claimedAt = null;
  }

  async list(state: DeliveryState, limit: number, cursor?: string): Promise<OutboxPage> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (cursor !== undefined && after === null) throw new Error('outbox: a malformed list cursor');
    const following = [...this.entries.values()].filter((entry) => entry.state === state && (after === null || isAfter(entry, after))).sort(newestFirst);
    const entries = following.slice(0, limit).map((entry) => toEntry(entry, false));
    const last = entries.at(-1);
    return { entries, next: following.length > limit && last ? encodeCursor(last) : null };
  }

  async get(id: string): Promise<OutboxEntry | null> {
    const entry = this.entries.get(id);
    return entry ? toEntry(entry, false) : null;
  }

  async replay(id: string, now: number): Promise<boolean> {
    const entry = this.entries.get(id);
    if (entry?.state !== 'dead' || entry.lead === null) return false;
    Object.assign(entry, { state: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now, replayedAt: now, claimedBy: null });
    return true;
  }

  async stats(): Promise<OutboxStats> {
    const stats: OutboxStats = { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null };
    for (const entry of this.entries.values()) {
      stats[entry.state] += 1;
      if (entry.state === 'pending') stats.oldestPendingAt = Math.min(entry.createdAt, stats.oldestPendingAt ?? Number.POSITIVE_INFINITY);
    }
    return stats;
  }

  async destinationStats(): Promise<DestinationStats> {
    const byDestination: DestinationStats = {};
    for (const entry of this.entries.values()) {
      const stats = (byDestination[entry.destination] ??= { pending: 0, delivered: 0, dead: 0, oldestPendingAt: null });
      stats[entry.state] += 1;
      if (entry.state === 'pending') stats.oldestPendingAt = Math.min(entry.createdAt, stats.oldestPendingAt ?? Number.POSITIVE_INFINITY);
    }
    return byDestination;
  }

  async erasePayloads(deliveredBefore: number): Promise<number> {
    let erased = 0;
    for (const entry of this.entries.values()) {
      if (entry.state === 'delivered' && entry.lead !== null && entry.updatedAt < deliveredBefore) {
        entry.lead = null;
        erased += 1;
      }
    }
    return erased;
  }

  async deleteDelivered(deliveredBefore: number, tombstonesBefore: number, limit = Number.MAX_SAFE_INTEGER): Promise<DeletedDelivered> {
    const byLead = new Map<string, StoredEntry[]>();
    for (const entry of this.entries.values()) byLead.set(entry.leadId, [...(byLead.get(entry.leadId) ?? []), entry]);
    const deletable = [...byLead.values()]
      .filter((lead) => lead.every((entry) => entry.state === 'delivered' && entry.updatedAt < deliveredBefore))
      .flat()
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .slice(0, limit);
    for (const entry of deletable) {
      if (entry.idempotencyKey === null) continue;
      const key = tombstoneKey(entry.formId, entry.idempotencyKey);
      if (!this.storage.tombstones.has(key)) this.storage.tombstones.set(key, { id: entry.leadId, bodyHash: entry.bodyHash, keptFrom: deliveredBefore });
    }
    for (const entry of deletable) this.entries.delete(entry.id);
    const entries = deletable.length;
    let tombstones = 0;
    for (const [key, tombstone] of this.storage.tombstones) {
      if (tombstone.keptFrom < tombstonesBefore && this.storage.tombstones.delete(key)) tombstones += 1;
    }
    return { entries, tombstones };
  }

  nextDueAt(): number | null {
    let next: number | null = null;
    for (const entry of this.entries.values()) {
      if (entry.state !== 'pending') continue;
      // By the rules of `due`: this process takes its own claim back only once the lease ran out.
      const leaseEnd = entry.claimedAt! + this.claimLeaseMs + 1;
      const at =
        entry.claimedBy === null
          ? entry.nextAttemptAt
          : Math.max(entry.nextAttemptAt, entry.claimedBy === this.processId ? leaseEnd : Math.min(entry.claimedAt! + this.takeOverAfterMs, leaseEnd));
      next = Math.min(at, next ?? Number.POSITIVE_INFINITY);
    }
    return next;
  }

  pendingDestinations(): string[] {
    return [...new Set([...this.entries.values()].filter((entry) => entry.state === 'pending').map((entry) => entry.destination))];
  }

  oldestDeliveredPayloadAt(): number | null {
    let oldest: number | null = null;
    for (const entry of this.entries.values()) {
      if (entry.state === 'delivered' && entry.lead !== null) oldest = Math.min(entry.updatedAt, oldest ?? Number.POSITIVE_INFINITY);
    }
    return oldest;
  }

  async callStarts(destination: string): Promise<number[]> {
    return [...(this.storage.callStarts.get(destination) ?? [])];
  }

  async keepCallStarts(destination: string, starts: readonly number[]): Promise<void> {
    this.storage.callStarts.set(destination, [...starts]);
  }
}

function toEntry(entry: StoredEntry, crashedMidAttempt: boolean): OutboxEntry {
  return {
    id: entry.id,
    leadId: entry.leadId,
    formId: entry.formId,
    destination: entry.destination,
    state: entry.state,
    attempts: entry.attempts,
    createdAt: entry.createdAt,
    replayedAt: entry.replayedAt,
    nextAttemptAt: entry.nextAttemptAt,
    lastError: entry.lastError,
    uncertain: entry.uncertain || crashedMidAttempt,
    remoteId: entry.remoteId,
    lead: entry.lead === null ? null : (JSON.parse(entry.lead) as Lead),
  };
}
