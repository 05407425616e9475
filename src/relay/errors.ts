/**
 * Errors as values: every refusal the relay answers with has a code a program can branch on,
 * an HTTP status, a sentence a person can act on, and optionally the cause behind it.
 */
import type { SubmissionIssue } from '../schema/submission.ts';

export type RelayErrorCode =
  | 'bad_json'
  | 'origin_not_allowed'
  | 'unknown_form'
  | 'not_found'
  | 'idempotency_conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'rate_limited'
  | 'unauthorized'
  | 'captcha_failed'
  | 'captcha_unavailable'
  | 'admin_disabled'
  | 'not_replayable'
  | 'bad_request'
  | 'storage_unavailable'
  | 'csrf'
  | 'managed_by_file'
  | 'form_exists'
  | 'no_draft'
  | 'internal_error';

export class RelayError extends Error {
  constructor(
    readonly code: RelayErrorCode,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    message: string,
    readonly extra: { issues?: SubmissionIssue[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'RelayError';
  }

  /** The JSON body every error answer carries: `{error, message, issues?}`. */
  toJSON(): { error: RelayErrorCode; message: string; issues?: SubmissionIssue[] } {
    return { error: this.code, message: this.message, ...(this.extra.issues ? { issues: this.extra.issues } : {}) };
  }
}

/**
 * What a step that may refuse gives back: its value, or the refusal to answer with. The accept
 * path's steps return one rather than throw, so the order they run in is the order of the code.
 */
export type Refusable<T> = { ok: true; value: T } | Refused;
export type Refused = { ok: false; error: RelayError };

export function passed<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function refused(error: RelayError): Refused {
  return { ok: false, error };
}

/**
 * Something the relay did not expect (a store that threw, a bug), as the answer every such failure
 * gets: the cause is kept for the log, never sent, since a stack or a message could quote a
 * request's data.
 */
export function internalError(cause: unknown): RelayError {
  return new RelayError('internal_error', 500, 'The relay failed to handle this request; nothing was stored.', { cause });
}
