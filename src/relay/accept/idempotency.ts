/**
 * The Idempotency-Key: the header's form, and the hash of the body it is bound to, which tells a
 * retry of one submission (answered with the first id) from a reuse of the key with another body.
 */
import type { Submission, SubmissionMeta } from '../../schema/submission.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';

/** SHA-256 as lowercase hex. */
export type Sha256 = (text: string) => string | Promise<string>;

/** @param header the `Idempotency-Key` header as sent; null when absent */
export function idempotencyKey(header: string | null): Refusable<string | null> {
  if (header !== null && !/^[\x21-\x7e]{1,255}$/.test(header)) {
    return refused(new RelayError('bad_request', 400, 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.'));
  }
  return passed(header);
}

export async function submissionHash({ fields, attribution, meta }: Submission, sha256: Sha256): Promise<string> {
  // A retry of one submission may carry a fresh Turnstile token (a token is good once), so the
  // token is left out of what makes two bodies "the same" for the Idempotency-Key.
  // A meta without one is hashed as it is: the same text a copy without the token would give.
  const stableMeta = meta?.turnstile === undefined ? (meta ?? NO_META) : withoutToken(meta);
  return sha256(JSON.stringify({ fields, attribution, meta: stableMeta }));
}

const NO_META = Object.freeze({});
const withoutToken = ({ turnstile: _token, ...rest }: SubmissionMeta) => rest;
