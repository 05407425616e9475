/**
 * Times as text, each written out once per millisecond: a busy relay puts the same millisecond
 * in many leads and log lines, and formatting a date costs more than the rest of a log line.
 */

let isoAt = Number.NaN;
let iso = '';

/** `new Date(ms).toISOString()`. */
export function isoTime(ms: number): string {
  if (ms !== isoAt) {
    iso = new Date(ms).toISOString();
    isoAt = ms;
  }
  return iso;
}
