/**
 * Lead ids: UUIDs of version 7 (RFC 9562), whose first 48 bits are the time in milliseconds and
 * the rest random. An outbox keyed by them appends to the right end of its primary-key index
 * instead of writing a random page of it for every lead: about half the bytes a commit writes to
 * SQLite's log at a million rows. The time they carry is the lead's `receivedAt`, which the lead
 * holds anyway.
 */

let prefixAt = Number.NaN;
let prefix = '';

/** A version 7 UUID for `now` (epoch milliseconds). @param now @default Date.now() */
export function timeOrderedId(now = Date.now()): string {
  // randomUUID's version 4 layout is version 7's once the first 48 bits are the time and the
  // version digit is 7: the variant bits and 74 random bits stay as they are. The time's part is
  // written out once per millisecond.
  if (now !== prefixAt) {
    const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
    prefixAt = now;
  }
  return prefix + crypto.randomUUID().slice(15);
}
