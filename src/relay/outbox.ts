/**
 * The outbox: where a lead is stored durably before the relay acknowledges it, and from which the
 * delivery loop sends it on. Each runtime brings its own store (SQLite on Node, a Durable Object
 * on Workers); the core sees only this interface.
 */
import type { Lead } from '../schema/lead.ts';
import type { SqlDriver } from '../storage/sql-driver.ts';

export type DeliveryState = 'pending' | 'delivered' | 'dead';

/**
 * Each destination of a lead is its own entry. A lead to one destination has one entry, whose id
 * is the lead's (the `202 {id}` the visitor got), as before several were possible; a lead to
 * several has one entry per destination, named `<lead id>.<destination>` (a destination's name
 * has no dot), e.g. `3f2c…-9a1b.team-alert`.
 */
export function entryId(leadId: string, destination: string, destinationCount: number): string {
  return destinationCount > 1 ? `${leadId}.${destination}` : leadId;
}

/** The destination an entry id of a lead to several destinations names, or null for a lead's own id. */
export function entryDestination(id: string, destinations: readonly string[]): string | null {
  const dot = id.lastIndexOf('.');
  if (dot <= 0) return null;
  const name = id.slice(dot + 1);
  return destinations.includes(name) ? name : null;
}

export interface OutboxEntry {
  /** The entry's own id (see `entryId`): the lead's id, or `<lead id>.<destination>` for a lead to several. */
  id: string;
  /** The lead's id, which the visitor was answered with. */
  leadId: string;
  formId: string;
  destination: string;
  state: DeliveryState;
  /**
   * The attempts made: each is counted as it starts (`start`), before its vendor call, so one
   * during which the relay stopped counts too. Zero again after a replay.
   */
  attempts: number;
  /** Epoch milliseconds: when the entry was accepted. */
  createdAt: number;
  /** Epoch milliseconds: when an admin last replayed it from the dead letters, if ever. */
  replayedAt: number | null;
  /** Epoch milliseconds: the earliest time of the next attempt (pending entries only). */
  nextAttemptAt: number;
  lastError: string | null;
  /**
   * Whether an earlier attempt may have reached the vendor (a timeout, a reset connection, a 5xx
   * on a create), so the adapter must look for the lead before creating it again.
   */
  uncertain: boolean;
  /** The vendor's id of the delivered lead. */
  remoteId: string | null;
  /** Null once retention has erased the payload of a delivered lead. */
  lead: Lead | null;
}

interface AcceptFacts {
  lead: Lead;
  /** Scoped to the form: the same key on two forms is two submissions. */
  idempotencyKey: string | null;
  /** SHA-256 of the request body, to tell a retry from a reuse of the key with another body. */
  bodyHash: string;
  /**
   * The destinations whose entries this store keeps, when the others are kept elsewhere (a Durable
   * Object keeps its own destination's). Each entry is still named by all of them (`entryId`).
   * @default all of them
   */
  keep?: readonly string[];
}

/**
 * A lead to store, with its destinations: one (`destination`) or several (`destinations`,
 * distinct, in the configuration's order), each its own entry, all stored in one commit.
 */
export type AcceptInput = AcceptFacts & ({ destination: string; destinations?: undefined } | { destinations: readonly string[]; destination?: undefined });

/** The destinations of an accept, whichever key named them. */
export function acceptDestinations(input: AcceptInput): readonly string[] {
  return input.destinations ?? [input.destination];
}

/** The result names the lead by its id (not an entry's), as the visitor is answered. */
export type AcceptResult =
  | { kind: 'stored'; id: string }
  /** The same key and body were accepted before: answer with the first id again. */
  | { kind: 'replayed'; id: string }
  /** The key was used before with another body. */
  | { kind: 'conflict'; id: string };

/** What an attempt concluded, as the outbox records it. */
export type AttemptRecord =
  | { state: 'delivered'; remoteId: string | null }
  | { state: 'pending'; nextAttemptAt: number; error: string; uncertain: boolean }
  /** `uncertain`: the last attempt may have reached the vendor, so a replay must look first. */
  | { state: 'dead'; error: string; uncertain?: boolean };

/** What one attempt in a transaction concluded (see `Outbox.attemptInTransaction`). */
export interface InTransactionAttempt {
  record: AttemptRecord;
  /** Whether the attempt counts (one that ends an entry whose attempts ran out without trying it does not). */
  counted: boolean;
  /** What its `delivery.attempt` log line says happened (`delivered`, `exists`, `interrupted`, …). */
  outcome: string;
}

/**
 * A destination's first attempt made inside the transaction that accepts a lead, for a
 * destination whose delivery is a write to the outbox's own database (see
 * `SqlOutbox.deliverWhenAccepted`).
 */
export interface AcceptTimeDelivery {
  /** The database the delivery writes to: only an outbox in the same one may deliver at accept. */
  readonly sql: SqlDriver;
  /**
   * Synchronous, its writes in the accept's transaction; a throw refuses the accept as a failed
   * write would. `leadJson` is `entry.lead` as the outbox wrote it out.
   */
  attempt(entry: OutboxEntry, now: number, leadJson: string): InTransactionAttempt;
  /** Once the accept's transaction committed: the attempt `attempt` made and the outbox recorded for `entry` (the runtime logs it). */
  recorded(entry: OutboxEntry, attempt: InTransactionAttempt, now: number): void;
  /** Undoes the delivery of a lead whose accept is withdrawn, in the caller's transaction. */
  withdraw(leadId: string): void;
}

export interface OutboxStats {
  pending: number;
  delivered: number;
  dead: number;
  /** Epoch milliseconds of the oldest pending entry, or null when none is pending. */
  oldestPendingAt: number | null;
}

/** `OutboxStats` per destination name, for every destination that has entries. */
export type DestinationStats = Record<string, OutboxStats>;

/** A page of `Outbox.list`. */
export interface OutboxPage {
  entries: OutboxEntry[];
  /** The cursor of the next page, or null when no entry follows this page. */
  next: string | null;
}

/** A position in a list: the last entry of a page, which the next page starts after. */
export interface ListPosition {
  createdAt: number;
  id: string;
}

/** The opaque cursor of a position: base64url of `createdAt,id`. */
export function encodeCursor(position: ListPosition): string {
  const bytes = new TextEncoder().encode(`${position.createdAt},${position.id}`);
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** The position a cursor names, or null when it is not one `encodeCursor` made. */
export function decodeCursor(cursor: string): ListPosition | null {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(cursor)) return null;
  let text: string;
  try {
    const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
  const match = /^(0|[1-9][0-9]{0,15}),(.+)$/s.exec(text);
  if (!match) return null;
  const createdAt = Number(match[1]);
  return Number.isSafeInteger(createdAt) ? { createdAt, id: match[2]! } : null;
}

/** The order of `Outbox.list`: newest first, then by id, descending. Negative when `a` comes first. */
export function newestFirst(a: ListPosition, b: ListPosition): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Whether `entry` comes after `position` in that order. */
export function isAfter(entry: ListPosition, position: ListPosition): boolean {
  return newestFirst(position, entry) < 0;
}

/** What the outbox knows of an Idempotency-Key already used. */
export interface KeyLookup {
  id: string;
  bodyHash: string;
}

/** What one `Outbox.deleteDelivered` pass removed. */
export interface DeletedDelivered {
  /** Entries deleted (a lead to several destinations counts each of its entries). */
  entries: number;
  /** Tombstones of keys dropped, their horizon past. */
  tombstones: number;
}

export interface Outbox {
  /**
   * Stores the lead durably, one entry per destination (those of `keep`), in one commit; the
   * promise settles only once it is committed. A key used before answers without storing anything.
   */
  accept(input: AcceptInput): Promise<AcceptResult>;
  /** The lead that used this Idempotency-Key on this form, if any (its id, not an entry's). */
  findByIdempotencyKey(formId: string, key: string): Promise<KeyLookup | null>;
  /**
   * Pending entries whose next attempt is due, oldest first, claimed for this process; only
   * those of `destination` when it is given.
   */
  due(now: number, limit: number, destination?: string): Promise<OutboxEntry[]>;
  /**
   * Counts one attempt of a claimed entry as begun; called before its vendor call. A process that
   * dies during the attempt (or cannot record its end) leaves it counted, so a lead whose attempt
   * stops the relay every time still runs out of attempts instead of being taken over for ever.
   * The write need not reach the disk at once (see `SqlOutbox.start`): it must only outlive the
   * process.
   */
  start(id: string, now: number): Promise<void>;
  /**
   * Records the end of one attempt and releases the claim; the attempt was counted by `start`.
   * Should this write fail, the entry stays claimed, and the attempt that takes it up again treats
   * it as uncertain (it looks for the lead before creating it).
   */
  record(id: string, record: AttemptRecord, now: number): Promise<void>;
  /**
   * Claims up to `limit` due entries of `destination` (by the rules of `due`), runs `attempt` on
   * each, and counts and records what it returns, all in one transaction of `sql`: for a
   * destination whose delivery is a write to that same database (`Destination.inTransaction`),
   * so a crash keeps the deliveries and their records together or neither. `attempt` is
   * synchronous and its writes join the transaction; should it throw, nothing of the batch is
   * kept, and the error is thrown. Resolves to the entries attempted, each with its record, or to
   * null when `sql` is not this store's database (deliver each entry on its own then). Like
   * `record`, the commit need not reach the disk at once: a crash that loses it loses the
   * deliveries with it, and the entries are due again.
   * @default absent: each entry is attempted on its own
   */
  attemptInTransaction?(
    sql: SqlDriver,
    destination: string,
    now: number,
    limit: number,
    attempt: (entry: OutboxEntry) => InTransactionAttempt,
  ): Promise<({ entry: OutboxEntry } & InTransactionAttempt)[] | null>;
  /**
   * A page of the entries in `state`, newest first (by `createdAt`, then by `id`, both
   * descending): up to `limit` after `cursor` (the `next` of the page before; none for the first).
   * A cursor names a position, not an offset, so entries accepted meanwhile shift no page.
   */
  list(state: DeliveryState, limit: number, cursor?: string): Promise<OutboxPage>;
  get(id: string): Promise<OutboxEntry | null>;
  /** Puts a dead entry back to pending, due now, with its attempt count reset. */
  replay(id: string, now: number): Promise<boolean>;
  stats(): Promise<OutboxStats>;
  /** The same counts per destination, for each destination that has entries in this store. */
  destinationStats(): Promise<DestinationStats>;
  /** Retention: erases the payload (the lead) of entries delivered before the given time. */
  erasePayloads(deliveredBefore: number): Promise<number>;
  /**
   * Retention: deletes the entries of each lead whose every entry in this store was delivered
   * before `deliveredBefore`, so the store stops growing; a lead with an entry still pending,
   * dead or delivered since keeps all of them. Each deleted lead that had an Idempotency-Key
   * leaves a tombstone (form, key, body hash, lead id) that `accept` and `findByIdempotencyKey`
   * consult as they do the entries, so a late retry answers the first id and stores nothing.
   * Tombstones left by a pass whose `deliveredBefore` was before `tombstonesBefore` are dropped.
   * After deletion `stats()` counts the entries kept: `delivered` is the delivered ones not yet deleted.
   * At most `limit` entries go in one call, oldest delivered first, so a large backlog is deleted
   * in short transactions (a lead's entries may then go in two calls: its key stays known, by
   * the entries left or by the tombstone). Default: no limit.
   */
  deleteDelivered(deliveredBefore: number, tombstonesBefore: number, limit?: number): Promise<DeletedDelivered>;
  /**
   * The earliest time a pending entry may be attempted, or null when none is pending: its next
   * attempt, or for an entry another process claimed, the end of that claim's take-over wait; for
   * one this process claimed and never recorded (its record failed), the end of the claim's lease.
   */
  nextDueAt(): number | null;
  /** The destinations that have leads waiting, configured or not. */
  pendingDestinations(): string[];
  /** When the oldest delivered payload still kept was delivered, or null when none is kept. */
  oldestDeliveredPayloadAt(): number | null;
  /**
   * Pacing across restarts: the starts (epoch milliseconds) of the latest calls to `destination`'s
   * vendor, as `keepCallStarts` last kept them, oldest first; empty when none were kept.
   */
  callStarts(destination: string): Promise<number[]>;
  /**
   * Keeps the starts of the latest calls to `destination`'s vendor (the pacer's window), replacing
   * those kept before, so a restarted process waits as this one would have. Called before each
   * paced call, so cheap: the write need not reach the disk at once, and a crash may lose the
   * last few starts (the vendor then sees at most that many calls too many in one window).
   */
  keepCallStarts(destination: string, starts: readonly number[]): Promise<void>;
}

/** How a store shares its leads between processes (a file on Node, a Durable Object on Workers). */
export interface OutboxOptions {
  /**
   * How long a claimed entry stays with one process before another may take it over.
   * @default 60000
   */
  claimLeaseMs?: number;
  /**
   * How long an entry another process claimed waits before this one attempts it. That process
   * died mid-attempt (or is still attempting it), and a call it sent may still be on its way to
   * the vendor: the lookup that comes first must not overtake it. Pass the delivery timeout.
   * @default 0
   */
  takeOverAfterMs?: number;
}

/** What the accept path and the admin API use: a runtime may route these to several stores. */
export type RelayOutbox = Pick<Outbox, 'accept' | 'findByIdempotencyKey' | 'list' | 'get' | 'replay' | 'stats' | 'destinationStats'>;
