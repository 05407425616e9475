/**
 * What every check of something a person wrote (a configuration, a destination's options, a
 * build) gives back: the value, or every problem at once, each a line `key: what is wrong; the
 * fix`, so that one edit can mend them all.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };
