/**
 * The delivery loop: takes due entries from the outbox, hands each to its destination adapter,
 * and records what happened. Retries wait a full-jitter exponential backoff (or longer when the
 * vendor said so); an entry that keeps failing, or grows too old, becomes a dead letter that an
 * admin can replay.
 */
import type { DeliveryOutcome, Destination } from '../destinations/types.ts';
import { type DeliveryPolicy, mappingFor, type RelayConfig } from './config.ts';
import { fileFormLookup, type FormLookup } from './forms/catalog.ts';
import { type Log, silentLog } from './log.ts';
import type { AcceptTimeDelivery, AttemptRecord, InTransactionAttempt, Outbox, OutboxEntry } from './outbox.ts';
import type { SqlOutbox } from './sql-outbox.ts';

export interface DeliveryDeps {
  config: RelayConfig;
  outbox: Outbox;
  /** The forms served now, file and store: a lead's mapping is its form's. @default the configuration's forms alone */
  forms?: FormLookup | undefined;
  destinations: Map<string, Destination>;
  fetch?: typeof fetch;
  secret?: (name: string) => string | undefined;
  now?: () => number;
  /** A number in [0, 1): the jitter source, injectable for tests. */
  random?: () => number;
  log?: Log;
  /**
   * Each destination's pacer, kept between passes so its window carries over; created on first
   * use from `Destination.pace`, with the window the outbox kept (`Outbox.callStarts`), so a
   * restarted process, or a pass with a new Map, waits as the one before would have. Pass the
   * same Map to every pass, which then reads the outbox once per destination.
   * @default a new Map per pass
   */
  pacers?: Map<string, Pacer>;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /**
   * True once the runtime is shutting down: no new attempt starts. Leads claimed and not yet
   * attempted are looked up before they are created after the restart, as after a crash.
   * @default never
   */
  stopping?: () => boolean;
  /**
   * Attempts under way at once of one destination that declares no pace, at most. A vendor whose
   * calls hang then costs one timeout per this many leads, not one per lead. 1 attempts each such
   * destination's leads one after another. A paced destination runs as many as its pace lets start
   * during one delivery timeout (`pacedConcurrency`), so that one whose calls hang until the
   * timeout still drains at its pace.
   * @default 4
   */
  concurrency?: number;
  /**
   * The most attempts of one paced destination under way at once, however generous its pace: each
   * one holds a connection (and, hanging, a timer) until its timeout.
   * @default 256
   */
  maxPacedConcurrency?: number;
  /**
   * How long the outbox leaves a claimed entry with this process (`OutboxOptions.claimLeaseMs`);
   * pass the outbox's. A pass claims no more leads at once than its attempts can finish within
   * it when every call hangs until the timeout, so no other process takes over a lead still queued
   * here.
   * @default 60000
   */
  claimLeaseMs?: number;
}

/**
 * How many attempts of `destination` run at once: for a paced one, as many as its pace lets start
 * during one delivery timeout (so calls that hang until it still leave the pace as the limit),
 * capped by `maxPacedConcurrency`; otherwise `concurrency`.
 */
export function concurrencyFor(destination: Destination | undefined, deps: Pick<DeliveryDeps, 'config' | 'concurrency' | 'maxPacedConcurrency'>): number {
  const pace = destination?.pace;
  if (!pace) return Math.max(1, Math.floor(deps.concurrency ?? 4));
  const perTimeout = Math.ceil((pace.calls * deps.config.delivery.timeoutMs) / pace.perMs);
  return Math.max(1, Math.min(Math.floor(deps.maxPacedConcurrency ?? 256), perTimeout));
}

/**
 * How many leads one claim of a destination takes: as many as `concurrency` attempts finish within
 * the claim lease when each hangs until the timeout, counting one round for the attempts already
 * under way when the claim is made; at least `concurrency`, so that none waits idle.
 */
export function claimSizeFor(concurrency: number, deps: Pick<DeliveryDeps, 'config' | 'claimLeaseMs'>): number {
  const rounds = Math.floor((deps.claimLeaseMs ?? 60_000) / Math.max(1, deps.config.delivery.timeoutMs)) - 1;
  return concurrency * Math.max(1, rounds);
}

/** Keeps a destination's calls under its vendor's limit: at most `calls` in any `perMs` window. */
export interface Pacer {
  /** Resolves when one more call fits in the window, and counts it. */
  wait(): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Where a pacer keeps its window between processes: the outbox (`callStarts`, `keepCallStarts`). */
export interface PaceMemory {
  load(): Promise<readonly number[]>;
  keep(starts: readonly number[]): Promise<void>;
}

/**
 * A sliding-window pacer: it remembers the start of the last `calls` calls and lets the next one
 * go only once the oldest of them is `perMs` old. Unlike a token bucket refilled at the average
 * rate, it never lets a burst through that the vendor's own window would refuse. With `memory`,
 * it starts from the window kept there and keeps each new start in it, so a restart does not
 * begin with an empty window and burst past the vendor's limit. Pacing is best effort: a memory
 * that fails to load or keep leaves the pacer working on what it holds itself.
 */
export function createPacer(pace: { calls: number; perMs: number }, now: () => number = Date.now, sleep = realSleep, memory?: PaceMemory): Pacer {
  const starts: number[] = [];
  let restored: Promise<void> | undefined;
  const restore = async () => {
    try {
      const at = now();
      // Only starts still inside the window; none from the future (a clock set back since).
      const kept = (await memory!.load()).filter((start) => Number.isFinite(start) && start > at - pace.perMs && start <= at);
      starts.unshift(...kept.sort((a, b) => a - b).slice(-pace.calls));
    } catch {
      // Start from an empty window, as without memory.
    }
  };
  // Callers take their turn: attempts under way at once wait one after another, in order, so
  // two of them never both sleep for the same free slot (nor count the same wait twice).
  let turn: Promise<void> = Promise.resolve();
  const waitInTurn = async () => {
    if (memory) await (restored ??= restore());
    for (;;) {
      const at = now();
      while (starts.length > 0 && starts[0]! <= at - pace.perMs) starts.shift();
      if (starts.length < pace.calls) {
        starts.push(at);
        await memory?.keep(starts).catch(() => {});
        return;
      }
      await sleep(starts[0]! + pace.perMs - at);
    }
  };
  return {
    wait() {
      const mine = turn.then(waitInTurn);
      turn = mine.catch(() => {});
      return mine;
    },
  };
}

const unpaced: Pacer = { wait: async () => {} };

function pacerFor(name: string, destination: Destination | undefined, deps: DeliveryDeps): Pacer {
  if (!destination?.pace) return unpaced;
  const pacers = deps.pacers ?? (deps.pacers = new Map());
  let pacer = pacers.get(name);
  if (!pacer) {
    const memory: PaceMemory = { load: () => deps.outbox.callStarts(name), keep: (starts) => deps.outbox.keepCallStarts(name, starts) };
    pacers.set(name, (pacer = createPacer(destination.pace, deps.now ?? Date.now, deps.sleep ?? realSleep, memory)));
  }
  return pacer;
}

/** Secrets shorter than this are not scrubbed: they would erase ordinary words, and no real credential is so short. */
const MIN_SCRUBBED_LENGTH = 4;

/** The forms a secret takes in a request a vendor may echo: as it is, in a URL or a form, in JSON. */
function secretForms(value: string): string[] {
  const url = encodeURIComponent(value);
  return [...new Set([value, url, url.replace(/%20/g, '+'), JSON.stringify(value).slice(1, -1), ...urlSecretParts(value)])];
}

/**
 * A secret that is a URL (Bitrix24's inbound webhook) is sent with another host when `baseUrl`
 * overrides it, or with its host's case changed: its path, and each long segment of it (the
 * token), are the secret too.
 */
function urlSecretParts(value: string): string[] {
  let path: string;
  let password: string;
  try {
    ({ pathname: path, password } = new URL(value));
  } catch {
    return [];
  }
  const parts = path.length >= 8 && path !== '/' ? [path.replace(/\/$/, '')] : [];
  // A URL with a login (an SMTP URL): its password, as written in the URL and decoded, is the secret too.
  if (password.length >= MIN_SCRUBBED_LENGTH) parts.push(password, safeDecode(password));
  for (const segment of path.split('/')) if (segment.length >= 8) parts.push(segment);
  return parts;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function decodeBase64(run: string): string | null {
  const clean = run.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  try {
    return atob(clean.slice(0, clean.length - (clean.length % 4)));
  } catch {
    return null;
  }
}

/**
 * `text` without the values of `secrets` (pairs of the variable's name and its value): each one,
 * in each form a vendor may echo it (plain, URL-encoded, JSON-escaped), base64 that carries one
 * (HTTP Basic credentials), a bearer token (one the vendor issued, which no configured value
 * names), and the start of one cut off where the text was truncated ("…"), becomes
 * `[secret NAME]`.
 */
export function scrubSecrets(text: string, secrets: readonly (readonly [name: string, value: string])[]): string {
  const scrubbed = secrets.filter(([, value]) => value.length >= MIN_SCRUBBED_LENGTH);
  let out = text;
  for (const [name, value] of scrubbed) for (const form of secretForms(value)) out = out.split(form).join(`[secret ${name}]`);
  if (scrubbed.length > 0) {
    out = out.replace(/[A-Za-z0-9+/_-]{8,}={0,2}/g, (run) => {
      const decoded = decodeBase64(run);
      const found = decoded === null ? undefined : scrubbed.find(([, value]) => decoded.includes(value));
      return found ? `[secret ${found[0]}]` : run;
    });
  }
  // A token has a digit or a sign in it, which a word after "Bearer" (authentication) has not.
  out = out.replace(/\b(Bearer\s+)(?=[A-Za-z]*[0-9._~+/-])[A-Za-z0-9._~+/-]{8,}=*/gi, '$1[secret]');
  if (out.endsWith('…')) {
    const body = out.slice(0, -1);
    for (const [name, value] of scrubbed) {
      for (const form of secretForms(value)) {
        for (let n = Math.min(form.length - 1, body.length); n >= MIN_SCRUBBED_LENGTH; n--) {
          if (body.endsWith(form.slice(0, n))) return `${body.slice(0, -n)}[secret ${name}]…`;
        }
      }
    }
  }
  return out;
}

/** The outcome with every secret scrubbed from what the vendor answered (its reason, its id). */
function scrubOutcome(outcome: DeliveryOutcome, secrets: readonly (readonly [string, string])[]): DeliveryOutcome {
  if (secrets.length === 0) return outcome;
  if (outcome.kind === 'retry' || outcome.kind === 'failed') return { ...outcome, reason: scrubSecrets(outcome.reason, secrets) };
  return outcome.remoteId === undefined ? outcome : { ...outcome, remoteId: scrubSecrets(outcome.remoteId, secrets) };
}

/** The secrets `destination` reads, each as its variable's name and value, to scrub from answers. */
function secretsOf(destination: Destination | undefined, deps: DeliveryDeps): [name: string, value: string][] {
  const read = deps.secret;
  if (!destination?.secretNames || !read) return [];
  return destination.secretNames.flatMap((name) => {
    const value = read(name);
    return value ? [[name, value] as [string, string]] : [];
  });
}

/** Full jitter: a uniform wait in [0, min(cap, base · 2^(attempt-1))). */
export function backoffMs(attempt: number, policy: DeliveryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Decides what the outbox records after attempt number `attempt` of `entry` ended with `outcome`. */
export function nextRecord(
  entry: Pick<OutboxEntry, 'createdAt' | 'replayedAt' | 'uncertain'>,
  attempt: number,
  outcome: DeliveryOutcome,
  policy: DeliveryPolicy,
  now: number,
  random: () => number,
): AttemptRecord {
  switch (outcome.kind) {
    case 'delivered':
    case 'exists':
      return { state: 'delivered', remoteId: outcome.remoteId ?? null };
    case 'failed':
      return { state: 'dead', error: outcome.reason };
    case 'retry': {
      // Once an attempt may have reached the vendor, every later one must look first.
      const uncertain = entry.uncertain || outcome.uncertain === true;
      // A replay is a fresh start: counted from acceptance, an old dead letter would get one attempt.
      const tooOld = now - (entry.replayedAt ?? entry.createdAt) >= policy.maxAgeHours * 3_600_000;
      if (attempt >= policy.maxAttempts || tooOld) {
        const why = tooOld ? `older than ${policy.maxAgeHours} h` : `${attempt} attempts`;
        return { state: 'dead', error: `gave up after ${why}: ${outcome.reason}`, uncertain };
      }
      // A call given up on (a timeout, a reset) may still be on its way to the vendor: the next
      // attempt, which looks before it creates, waits a delivery timeout so that call lands first.
      const settleMs = outcome.uncertain === true ? policy.timeoutMs : 0;
      const wait = Math.max(outcome.afterMs ?? 0, settleMs, backoffMs(attempt, policy, random));
      return { state: 'pending', nextAttemptAt: now + wait, error: outcome.reason, uncertain };
    }
  }
}

/**
 * Runs one attempt for one entry and records it. The attempt is counted (`Outbox.start`) before
 * the vendor is called; should that write fail, the vendor is not called. An entry whose attempts
 * were all counted yet is still pending lost the outcome of its last one (the relay stopped
 * during it): it becomes a dead letter without another call. Should recording the end fail, the
 * error is logged and thrown, and the entry stays claimed: the attempt that takes it up again
 * looks for the lead before creating it.
 */
export async function attempt(entry: OutboxEntry, deps: DeliveryDeps): Promise<AttemptRecord> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLog;
  const policy = deps.config.delivery;
  const attemptNumber = entry.attempts + 1;
  const destination = deps.destinations.get(entry.destination);
  const secrets = secretsOf(destination, deps);
  const started = now();
  const fields = { id: entry.id, form: entry.formId, destination: entry.destination, attempt: attemptNumber };
  if (entry.attempts >= policy.maxAttempts) {
    const record = interruptedRecord(entry);
    await recordEnd(entry, record, deps);
    log('delivery.attempt', { ...fields, attempt: entry.attempts, outcome: 'interrupted', state: record.state, ms: now() - started });
    return record;
  }
  await deps.outbox.start(entry.id, started);
  let outcome: DeliveryOutcome;
  const refused = refusedWithoutCall(entry, destination, deps);
  if (refused || !entry.lead || !destination) {
    outcome = refused ?? { kind: 'failed', reason: 'the payload was erased by retention before delivery' };
  } else {
    const timeout = callTimeout(policy.timeoutMs);
    try {
      outcome = await destination.deliver(entry.lead, {
        // Bound: on Workers, fetch called as a method of another object throws "Illegal invocation".
        fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
        secret: deps.secret ?? (() => undefined),
        attempt: attemptNumber,
        uncertain: entry.uncertain,
        signal: timeout.signal,
        pace: () => timeout.paused(pacerFor(entry.destination, destination, deps).wait()),
        mapping: mappingFor((deps.forms ?? fileFormLookup(deps.config.forms)).get(entry.formId)?.config, entry.destination),
      });
    } catch (error) {
      // A throw mid-request may come after the vendor committed: treat it as uncertain.
      const reason = timeout.signal.aborted ? `timed out after ${policy.timeoutMs} ms` : describeError(error);
      outcome = { kind: 'retry', reason, uncertain: true };
    } finally {
      timeout.clear();
    }
  }
  // Before anything is recorded or logged: a vendor that echoes the request echoes its secrets.
  outcome = scrubOutcome(outcome, secrets);
  const record = nextRecord(entry, attemptNumber, outcome, policy, now(), deps.random ?? Math.random);
  await recordEnd(entry, record, deps, outcome.kind, secrets);
  log('delivery.attempt', {
    ...fields,
    outcome: outcome.kind,
    state: record.state,
    ms: now() - started,
    ...(record.state === 'pending' ? { retryInMs: record.nextAttemptAt - now() } : {}),
  });
  return record;
}

/**
 * The record of an entry whose attempts were all counted yet is still pending: the relay stopped
 * during its last attempt, or could not record it. It becomes a dead letter without another call.
 */
function interruptedRecord(entry: OutboxEntry): AttemptRecord {
  const before = entry.lastError === null ? '' : ` (the attempt before it: ${entry.lastError})`;
  return {
    state: 'dead',
    error: `gave up after ${entry.attempts} attempts: the relay stopped during the last of them, before its outcome was recorded, or could not record it; it may have reached the vendor, so a replay looks before it creates${before}`,
    uncertain: entry.uncertain,
  };
}

/** The outcome of an attempt that cannot call its destination (no payload, none configured, a partial it no longer takes), or null. */
function refusedWithoutCall(entry: OutboxEntry, destination: Destination | undefined, deps: DeliveryDeps): DeliveryOutcome | null {
  if (!entry.lead) return { kind: 'failed', reason: 'the payload was erased by retention before delivery' };
  if (!destination) return { kind: 'retry', reason: `destination "${entry.destination}" is not configured` };
  if (entry.lead.partial && deps.config.destinations[entry.destination]?.deliverPartials !== true) {
    // Promoted while the destination took partials; the configuration has since turned them off.
    return { kind: 'failed', reason: `a partial lead, and destination "${entry.destination}" no longer has deliverPartials: true` };
  }
  return null;
}

/** Entries one transaction of `attemptInTransaction` takes: short, so the accepts around it wait little. */
export const IN_TRANSACTION_BATCH = 256;

/**
 * One attempt of a destination that delivers inside the outbox's own database
 * (`Destination.inTransaction`), made synchronously in a transaction its caller holds, with the
 * rules every attempt has: out of attempts ends it, a refusal needs no call, secrets are scrubbed.
 * Returns what to record and the outcome to log.
 */
function attemptInTransactionOf(destination: Destination, deps: DeliveryDeps) {
  const local = destination.inTransaction!;
  const policy = deps.config.delivery;
  const secrets = secretsOf(destination, deps);
  const random = deps.random ?? Math.random;
  return (entry: OutboxEntry, started: number, leadJson?: string): InTransactionAttempt => {
    if (entry.attempts >= policy.maxAttempts) return { record: interruptedRecord(entry), counted: false, outcome: 'interrupted' };
    const refused = refusedWithoutCall(entry, destination, deps);
    const outcome = scrubOutcome(refused ?? local.deliver(entry.lead!, started, leadJson), secrets);
    return { record: nextRecord(entry, entry.attempts + 1, outcome, policy, started, random), counted: true, outcome: outcome.kind };
  };
}

/** The `delivery.attempt` line of an attempt made in a transaction, once that transaction committed. */
function logAttemptInTransaction(log: Log, entry: OutboxEntry, { record, outcome }: InTransactionAttempt, started: number, ms: number): void {
  log('delivery.attempt', {
    id: entry.id,
    form: entry.formId,
    destination: entry.destination,
    attempt: outcome === 'interrupted' ? entry.attempts : entry.attempts + 1,
    outcome,
    state: record.state,
    ms,
    ...(record.state === 'pending' ? { retryInMs: record.nextAttemptAt - started } : {}),
  });
}

/**
 * Delivers up to `limit` due entries of a destination that delivers inside the outbox's own
 * database (`Destination.inTransaction`), `IN_TRANSACTION_BATCH` per transaction, each batch
 * claimed, delivered and recorded in that one transaction, with the rules of `attempt`. Resolves
 * to how many were attempted, or null when the outbox cannot (another database, no such method).
 */
async function deliverInTransaction(name: string, destination: Destination, deps: DeliveryDeps, limit: number): Promise<number | null> {
  const local = destination.inTransaction;
  const batchOf = deps.outbox.attemptInTransaction?.bind(deps.outbox);
  if (!local || !batchOf) return null;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLog;
  const attemptOne = attemptInTransactionOf(destination, deps);
  let attempted = 0;
  while (attempted < limit && !deps.stopping?.()) {
    const take = Math.min(IN_TRANSACTION_BATCH, limit - attempted);
    const started = now();
    const batch = await batchOf(local.sql, name, started, take, (entry) => attemptOne(entry, started));
    if (batch === null) return attempted === 0 ? null : attempted;
    const ms = now() - started;
    for (const attempted of batch) logAttemptInTransaction(log, attempted.entry, attempted, started, ms);
    attempted += batch.length;
    if (batch.length < take) break;
    // A backlog goes in short transactions, with accepts between.
    await new Promise((next) => setTimeout(next, 0));
  }
  return attempted;
}

/**
 * The first attempt of a destination that delivers inside the outbox's own database, made in the
 * transaction that accepts the lead (`SqlOutbox.deliverWhenAccepted`): the lead is stored already
 * delivered (or with its retry), so the sandbox costs no transaction and no pass of its own. Null
 * for a destination that calls out.
 */
function deliveryAtAccept(destination: Destination, deps: DeliveryDeps): AcceptTimeDelivery | null {
  if (!destination.inTransaction) return null;
  const attemptOne = attemptInTransactionOf(destination, deps);
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLog;
  const { sql, withdraw } = destination.inTransaction;
  return {
    sql,
    withdraw,
    attempt: attemptOne,
    recorded: (entry, made, started) => logAttemptInTransaction(log, entry, made, started, now() - started),
  };
}

/**
 * Has `outbox` deliver at accept (`deliveryAtAccept`) every destination of `deps` whose delivery
 * is a write to the outbox's own database. Returns their names: their leads need no delivery pass
 * to be woken for.
 */
export function deliverLocalDestinationsAtAccept(outbox: Pick<SqlOutbox, 'sql' | 'deliverWhenAccepted'>, deps: DeliveryDeps): Set<string> {
  const names = new Set<string>();
  for (const [name, destination] of deps.destinations) {
    const atAccept = deliveryAtAccept(destination, deps);
    if (atAccept?.sql !== outbox.sql) continue;
    outbox.deliverWhenAccepted(name, atAccept);
    names.add(name);
  }
  return names;
}

/**
 * The delivery timeout of one attempt, which aborts its `signal` once the attempt has spent
 * `ms` with the vendor. Time waiting for the destination's pacer is not counted (`paused`): with
 * several attempts of one destination under way, one may wait its turn for a while before its
 * call, and that wait must not end it as a timeout that may have reached the vendor.
 */
function callTimeout(ms: number) {
  const controller = new AbortController();
  let left = ms;
  let since = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    since = performance.now();
    timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), Math.max(0, left));
  };
  const stop = () => {
    clearTimeout(timer);
    left -= performance.now() - since;
  };
  run();
  return {
    signal: controller.signal,
    async paused<T>(wait: Promise<T>): Promise<T> {
      stop();
      try {
        return await wait;
      } finally {
        if (!controller.signal.aborted) run();
      }
    },
    clear: () => clearTimeout(timer),
  };
}

/** Records an attempt's end; a failure is logged and thrown, leaving the entry claimed (so uncertain). */
async function recordEnd(
  entry: OutboxEntry,
  record: AttemptRecord,
  deps: DeliveryDeps,
  outcome = 'interrupted',
  secrets: readonly (readonly [string, string])[] = [],
): Promise<void> {
  try {
    await deps.outbox.record(entry.id, record, (deps.now ?? Date.now)());
  } catch (error) {
    (deps.log ?? silentLog)('delivery.record_failed', {
      id: entry.id,
      destination: entry.destination,
      outcome,
      state: record.state,
      error: scrubSecrets(describeError(error), secrets),
      next: 'the lead stays claimed; its next attempt looks for it at the vendor before creating it',
    });
    throw error;
  }
}

/**
 * Attempts every due entry once, up to `limit` (only `destination`'s when given). Destinations are
 * delivered side by side, each one's entries `concurrencyFor` it at a time, oldest first, its
 * pacer holding their calls to its limit. With `destination` given, the pass claims its leads a
 * few at a time (`claimSizeFor`) and claims more as soon as those are all under way, so a paced
 * destination keeps its pace filled for the whole pass instead of waiting out each batch's last
 * timeout. Returns how many entries were attempted.
 */
export async function deliverDue(deps: DeliveryDeps, limit = 50, destination?: string): Promise<number> {
  const now = deps.now ?? Date.now;
  // An attempt that fails to start or record (a storage error) must not strand the rest of the
  // batch, claimed for a whole lease: the others are attempted, then the first failure is thrown.
  const failures: unknown[] = [];
  const run = async (queue: OutboxEntry[], concurrency: number, claimMore?: () => Promise<OutboxEntry[]>) => {
    let refilling: Promise<void> | null = null;
    let exhausted = claimMore === undefined;
    const worker = async () => {
      for (;;) {
        if (deps.stopping?.()) return;
        if (queue.length === 0) {
          if (exhausted) return;
          refilling ??= claimMore!().then(
            (more) => {
              if (more.length === 0) exhausted = true;
              queue.push(...more);
              refilling = null;
            },
            (error: unknown) => {
              failures.push(error);
              exhausted = true;
              refilling = null;
            },
          );
          await refilling;
          continue;
        }
        await attempt(queue.shift()!, deps).catch((error: unknown) => failures.push(error));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  if (destination !== undefined) {
    const adapter = deps.destinations.get(destination);
    if (adapter?.inTransaction) {
      // A batch that throws (a lead the destination cannot write) keeps nothing: the pass goes
      // on the ordinary way, where each entry fails on its own.
      const done = await deliverInTransaction(destination, adapter, deps, limit).catch((error: unknown) => {
        (deps.log ?? silentLog)('delivery.batch_failed', { destination, error: describeError(error), next: 'each lead is attempted on its own' });
        return null;
      });
      if (done !== null) return done;
    }
    const concurrency = concurrencyFor(adapter, deps);
    const claimSize = claimSizeFor(concurrency, deps);
    let claimed = 0;
    const claimMore = async () => {
      const take = Math.min(claimSize, limit - claimed);
      const more = take > 0 ? await deps.outbox.due(now(), take, destination) : [];
      claimed += more.length;
      return more;
    };
    await run([], concurrency, claimMore);
    if (failures.length > 0) throw failures[0];
    return claimed;
  }
  const entries = await deps.outbox.due(now(), limit);
  const byDestination = new Map<string, OutboxEntry[]>();
  for (const entry of entries) {
    const list = byDestination.get(entry.destination);
    if (list) list.push(entry);
    else byDestination.set(entry.destination, [entry]);
  }
  await Promise.all([...byDestination].map(([name, list]) => run(list, Math.min(concurrencyFor(deps.destinations.get(name), deps), list.length))));
  if (failures.length > 0) throw failures[0];
  return entries.length;
}

/**
 * Retention: deletes the leads delivered longer ago than the configuration keeps them (every entry
 * of each delivered, so a lead still pending at one destination keeps all its entries), leaving a
 * tombstone of each one's Idempotency-Key for `deletedKeyDays` more, and drops older tombstones.
 * Resolves to the number of entries deleted.
 */
export async function deleteExpiredLeads(deps: Pick<DeliveryDeps, 'config' | 'outbox' | 'now' | 'log'>): Promise<number> {
  const { deliveredPayloadDays: days, deletedKeyDays } = deps.config.retention;
  const deliveredBefore = (deps.now ?? Date.now)() - days * 86_400_000;
  const deleted = { entries: 0, tombstones: 0 };
  for (;;) {
    const batch = await deps.outbox.deleteDelivered(deliveredBefore, deliveredBefore - deletedKeyDays * 86_400_000, RETENTION_BATCH);
    deleted.entries += batch.entries;
    deleted.tombstones += batch.tombstones;
    if (batch.entries < RETENTION_BATCH) break;
    // A backlog (a first pass over a large file) goes in short transactions, with accepts between.
    await new Promise((next) => setTimeout(next, 0));
  }
  if (deleted.entries > 0 || deleted.tombstones > 0) {
    (deps.log ?? silentLog)('retention.deleted', { count: deleted.entries, tombstonesDropped: deleted.tombstones, days, deletedKeyDays });
  }
  return deleted.entries;
}

/** Entries deleted per transaction by the retention pass: about 10 ms of SQLite on this machine. */
const RETENTION_BATCH = 1_000;

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
