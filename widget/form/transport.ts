/**
 * Sends a submission to the relay. One submission keeps one Idempotency-Key across all of its
 * retries, so the relay stores it once however often the network fails in between.
 */
import type { Submission } from '../../src/schema/submission.ts';

export type SendResult =
  | { ok: true; id: string }
  /** The relay refused the submission (4xx): retrying the same body will not help. */
  | { ok: false; kind: 'rejected'; status: number; error: string; issues?: { path: (string | number)[]; code: string }[] }
  /** The network or the relay failed (offline, 5xx, 429): the same submission may be retried. */
  | { ok: false; kind: 'unavailable'; status: number };

export async function sendSubmission(relay: string, formId: string, submission: Submission, idempotencyKey: string): Promise<SendResult> {
  let response: Response;
  try {
    response = await fetch(`${relay}/v1/forms/${encodeURIComponent(formId)}/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(submission),
      keepalive: true,
    });
  } catch {
    return { ok: false, kind: 'unavailable', status: 0 };
  }
  const body = (await response.json().catch(() => ({}))) as { id?: string; error?: string; issues?: [] };
  if (response.ok && body.id) return { ok: true, id: body.id };
  // The visitor retries by hand ("Try again"), so a 429's Retry-After needs no timer here.
  if (response.status === 429 || response.status >= 500) return { ok: false, kind: 'unavailable', status: response.status };
  return { ok: false, kind: 'rejected', status: response.status, error: body.error ?? 'unknown', ...(body.issues ? { issues: body.issues } : {}) };
}

/** 128 random bits in hex; getRandomValues, unlike randomUUID, also works on plain-http pages. */
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
