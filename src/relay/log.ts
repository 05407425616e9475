/**
 * Structured logging. Lines carry ids, form, destination, state and timings, never a lead's
 * fields or attribution: logs leave the relay's control (log drains, support tickets).
 */
import { isoTime } from './clock.ts';

export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Log = (event: string, fields?: LogFields) => void;

/** The line `jsonLog` writes: one JSON object. */
export function logLine(event: string, fields?: LogFields): string {
  const time = isoTime(Date.now());
  // Fields that would overwrite the line's own keys go through the spread, which lets them.
  if (fields !== undefined && ('time' in fields || 'event' in fields)) return JSON.stringify({ time, event, ...fields });
  // Otherwise the two texts are joined rather than the fields copied into a new object first: a
  // line per lead and per attempt.
  const rest = fields === undefined ? '{}' : JSON.stringify(fields);
  return `{"time":"${time}","event":${JSON.stringify(event)}${rest === '{}' ? '}' : `,${rest.slice(1)}`}`;
}

/** One JSON object per line on standard output. */
export const jsonLog: Log = (event, fields) => {
  console.log(logLine(event, fields));
};

/**
 * JSON lines gathered and written once per turn of the event loop (`schedule`), so that a busy
 * relay makes one write call for many lines; `flush` writes what is waiting at once.
 */
export function bufferedJsonLog(write: (text: string) => void, schedule: (flush: () => void) => void): Log & { flush(): void } {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    write(text);
  };
  return Object.assign(
    (event: string, fields?: LogFields) => {
      if (pending.push(logLine(event, fields)) === 1) schedule(flush);
    },
    { flush },
  );
}

export const silentLog: Log = () => {};
