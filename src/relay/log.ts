/**
 * Structured logging. Lines carry ids, form, destination, state and timings, never a lead's
 * fields or attribution: logs leave the relay's control (log drains, support tickets).
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Log = (event: string, fields?: LogFields) => void;

/** One JSON object per line on standard output. */
export const jsonLog: Log = (event, fields = {}) => {
  console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
};

export const silentLog: Log = () => {};
