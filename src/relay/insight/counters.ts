/**
 * The funnel counters: how many events of each kind a form had per day, version, step, field,
 * campaign and device class. A beacon only increments a count in memory; a batching writer hands
 * the counts to the store at most once per `flushMs` (a second by default), apart from the
 * outbox, so counting never waits on a disk and never touches the accept path. A process that
 * stops without flushing loses the counts of its last interval, and only those.
 */
import { isoTime } from '../clock.ts';
import type { FunnelEvent } from './events.ts';

/** One counter: a combination of dimensions and how many events it had. */
export interface CounterRow extends FunnelEvent {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  formId: string;
  n: number;
}

/** Where the counts are kept: SQLite on Node, a Durable Object per form on Workers, memory in tests. */
export interface CountersStore {
  /** Adds each row's `n` to its counter, in one write. */
  add(rows: readonly CounterRow[]): Promise<void>;
  /** The counters of `formId` from day `from` to day `to` (both `YYYY-MM-DD`, inclusive). */
  read(formId: string, from: string, to: string): Promise<CounterRow[]>;
}

/** The counters in memory, for tests and as the reference the SQL stores are held to. */
export function memoryCountersStore(): CountersStore & { rows: Map<string, CounterRow> } {
  const rows = new Map<string, CounterRow>();
  return {
    rows,
    async add(added) {
      for (const row of added) {
        const key = counterKey(row);
        const kept = rows.get(key);
        if (kept) kept.n += row.n;
        else rows.set(key, { ...row });
      }
    },
    async read(formId, from, to) {
      return [...rows.values()].filter((row) => row.formId === formId && row.day >= from && row.day <= to).map((row) => ({ ...row }));
    },
  };
}

/** The identity of a counter: every dimension, in one string. */
export function counterKey(row: Omit<CounterRow, 'n'>): string {
  return [row.day, row.formId, row.version, row.type, row.step, row.field, row.source, row.medium, row.campaign, row.device].join('\u0000');
}

/** The UTC day of an epoch-milliseconds time, `YYYY-MM-DD`. */
export function utcDay(at: number): string {
  return isoTime(at).slice(0, 10);
}

export interface CounterBatcherOptions {
  store: CountersStore;
  /** @default Date.now */
  now?: () => number;
  /**
   * The longest counts wait in memory before they are written; also the most a crash loses.
   * @default 1000
   */
  flushMs?: number;
  /** Told when a write fails; its counts are kept for the next flush. @default nothing */
  onError?: (error: unknown) => void;
}

export interface CounterBatcher {
  /** Counts events of `formId` at the current time; costs a few Map updates, never a write. */
  count(formId: string, events: readonly FunnelEvent[]): void;
  /** Writes what is counted now; resolves once the store has it (tests, shutdown). */
  flush(): Promise<void>;
  /** Counts not yet written, over every counter. */
  pending(): number;
  /** Stops the timer after a last flush. */
  close(): Promise<void>;
}

/** Increments counters in memory and writes them at most once per `flushMs`. */
export function counterBatcher(options: CounterBatcherOptions): CounterBatcher {
  const now = options.now ?? Date.now;
  const flushMs = options.flushMs ?? 1000;
  let waiting = new Map<string, CounterRow>();
  let waitingCount = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (waiting.size === 0) return writing;
    const rows = [...waiting.values()];
    waiting = new Map();
    waitingCount = 0;
    // One write at a time, in order: a slow write is followed, never overtaken, by the next.
    writing = writing.then(() =>
      options.store.add(rows).catch((error) => {
        options.onError?.(error);
        for (const row of rows) merge(row);
      }),
    );
    return writing;
  };

  function merge(row: CounterRow): void {
    const key = counterKey(row);
    const kept = waiting.get(key);
    if (kept) kept.n += row.n;
    else waiting.set(key, { ...row });
    waitingCount += row.n;
    if (timer === null) {
      timer = setTimeout(() => void flush(), flushMs);
      // A pending flush does not keep a Node process alive; close() writes what is left.
      (timer as { unref?: () => void }).unref?.();
    }
  }

  return {
    count(formId, events) {
      const day = utcDay(now());
      for (const event of events) merge({ ...event, day, formId, n: 1 });
    },
    flush,
    pending: () => waitingCount,
    async close() {
      await flush();
    },
  };
}
