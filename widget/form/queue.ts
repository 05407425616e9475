/**
 * Submissions made while offline wait in localStorage, so they survive a reload or a closed tab,
 * and are sent when the browser is back online or the next page with the script loads. Each keeps
 * its Idempotency-Key, so however often a flush is interrupted the relay stores the lead once.
 */
import type { Submission } from '../../src/schema/submission.ts';
import { type SendResult, sendSubmission } from './transport.ts';

export const QUEUE_KEY = 'leadform:queue';

export interface Queued {
  relay: string;
  form: string;
  key: string;
  body: Submission;
}

// localStorage may be missing or refuse access (sandboxed iframes, some private modes).
function read(): Queued[] {
  try {
    const list = JSON.parse(localStorage.getItem(QUEUE_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? (list as Queued[]) : [];
  } catch {
    return [];
  }
}

function write(list: Queued[]): boolean {
  try {
    if (list.length) localStorage.setItem(QUEUE_KEY, JSON.stringify(list));
    else localStorage.removeItem(QUEUE_KEY);
    return true;
  } catch {
    return false;
  }
}

/** Keeps a submission to send later; false when the browser will not store it. */
export function enqueue(entry: Queued): boolean {
  return write([...read().filter((item) => item.key !== entry.key), entry]);
}

export function dequeue(key: string): void {
  write(read().filter((item) => item.key !== key));
}

const waiting = new Map<string, (result: SendResult) => void>();

/** Calls `settled` with the outcome once the queued submission `key` has been sent or refused. */
export function whenSettled(key: string, settled: (result: SendResult) => void): void {
  waiting.set(key, settled);
}

let flushing: Promise<void> | undefined;

/** Sends every queued submission for `relay`, one at a time; those still unreachable stay queued. */
export function flush(relay: string): Promise<void> {
  return (flushing ??= (async () => {
    for (const entry of read()) {
      if (entry.relay !== relay) continue;
      const result = await sendSubmission(relay, entry.form, entry.body, entry.key);
      if (!result.ok && result.kind === 'unavailable') continue;
      // Stored, or refused for good (a 4xx will not change on a retry): either way it leaves the queue.
      dequeue(entry.key);
      waiting.get(entry.key)?.(result);
      waiting.delete(entry.key);
    }
  })().finally(() => (flushing = undefined)));
}
