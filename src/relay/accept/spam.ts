/**
 * Bots fill the hidden honeypot or submit faster than a person can. They are answered as if
 * accepted, so they learn nothing, and nothing is stored.
 */
import type { SubmissionMeta } from '../../schema/submission.ts';
import type { FormConfig } from '../config.ts';

export type SpamReason = 'honeypot' | 'fill_time';

/** Why the submission looks like a bot's, or null when it looks like a person's. */
export function spamReason(form: FormConfig, meta: SubmissionMeta | undefined): SpamReason | null {
  const tooFast = meta?.fillMs !== undefined && meta.fillMs < form.minFillMs;
  if (tooFast) return 'fill_time';
  return (meta?.hp ?? '') !== '' ? 'honeypot' : null;
}
