/**
 * Readers of the plain shapes a submission body carries around its fields (its attribution and
 * meta: objects of optional strings and integers), as plain functions rather than a schema
 * library: the relay reads every submission with them. Each reader takes one value and the path
 * to it, appends what is wrong to `issues`, and returns what to keep: an object keeps only the
 * keys of its shape, in the shape's order. An issue has zod's code and message, as the relay's
 * answers always had; `invalid_type` and `invalid_key` stop the form's field rules from running
 * (the body is not one the form can read), a limit broken (`too_big`, `too_small`,
 * `invalid_format`) does not, so the visitor hears about every field at once.
 */

/** One thing wrong in a submission: `path` leads to the value, `code` names what is wrong. */
export interface SubmissionIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

export type Path = readonly string[];

/** Reads `value` (found at `path`); undefined when it has the wrong type. */
export type Reader<T> = (value: unknown, path: Path, issues: SubmissionIssue[]) => T | undefined;

/** The message of a value that breaks the shape, as zod/mini words it. */
const INVALID = 'Invalid input';

/** Whether an issue means the body is not a submission the form's field rules can read. */
export const isFatal = (issue: SubmissionIssue) => issue.code === 'invalid_type' || issue.code === 'invalid_key';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Adds the issue of a value of the wrong type at `path`. */
export function invalidType(path: Path, issues: SubmissionIssue[]): undefined {
  issues.push({ path: [...path], code: 'invalid_type', message: INVALID });
  return undefined;
}

/** A string of at most `maxLength` characters; `pattern`, when given, must match it, or `message` is the issue's. */
export function string(maxLength: number, pattern?: RegExp, message = INVALID): Reader<string> {
  return (value, path, issues) => {
    if (typeof value !== 'string') return invalidType(path, issues);
    if (value.length > maxLength) issues.push({ path: [...path], code: 'too_big', message: INVALID });
    if (pattern && !pattern.test(value)) issues.push({ path: [...path], code: 'invalid_format', message });
    return value;
  };
}

/** A safe integer of at least `minimum` and, when given, at most `maximum`. */
export function integer(minimum: number, maximum?: number): Reader<number> {
  return (value, path, issues) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return invalidType(path, issues);
    // Past the safe range, zod/mini names the range and then the limit, each as an issue of its own.
    if (value < Number.MIN_SAFE_INTEGER) issues.push({ path: [...path], code: 'too_small', message: INVALID });
    if (value > Number.MAX_SAFE_INTEGER) issues.push({ path: [...path], code: 'too_big', message: INVALID });
    if (value < minimum) issues.push({ path: [...path], code: 'too_small', message: INVALID });
    if (maximum !== undefined && value > maximum) issues.push({ path: [...path], code: 'too_big', message: INVALID });
    return value;
  };
}

/** An object of optional keys, each read by its reader, in the order of `shape`; other keys are dropped. */
export function object<T extends object>(shape: { [K in keyof T]-?: Reader<NonNullable<T[K]>> }): Reader<T> {
  const entries = Object.entries(shape) as [string, Reader<unknown>][];
  return (value, path, issues) => {
    if (!isPlainObject(value)) return invalidType(path, issues);
    const kept: Record<string, unknown> = {};
    for (const [key, read] of entries) {
      const sent = value[key];
      if (sent === undefined) continue;
      const got = read(sent, [...path, key], issues);
      if (got !== undefined) kept[key] = got;
    }
    return kept as T;
  };
}

/** An object whose keys are at most `maxKeyLength` characters, each value read by `read`. */
export function record<V>(maxKeyLength: number, read: Reader<V>): Reader<Record<string, V>> {
  return (value, path, issues) => {
    if (!isPlainObject(value)) return invalidType(path, issues);
    const kept: Record<string, V> = {};
    for (const [key, sent] of Object.entries(value)) {
      if (key.length > maxKeyLength) {
        issues.push({ path: [...path, key], code: 'invalid_key', message: INVALID });
        continue;
      }
      const got = read(sent, [...path, key], issues);
      if (got !== undefined) kept[key] = got;
    }
    return kept;
  };
}
