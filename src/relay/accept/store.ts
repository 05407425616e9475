/**
 * The lead into the outbox, where it is durable before the visitor hears it was accepted. A
 * retry of a stored submission (same key, same body) gets its first id back.
 */
import type { Lead } from '../../schema/lead.ts';
import type { ReadSubmission } from './phone.ts';
import { type FormConfig, formDestinations } from '../config.ts';
import { isoTime } from '../clock.ts';
import { passed, type Refusable, RelayError, refused } from '../errors.ts';
import type { Outbox } from '../outbox.ts';

export interface LeadFacts {
  id: string;
  formId: string;
  form: FormConfig;
  /** The store form version the submission was checked against; null for a file form. */
  formVersion?: number | null;
  /** The valid submission, its phone numbers read (E.164 in `fields` where valid). */
  submission: ReadSubmission;
  idempotencyKey: string | null;
  bodyHash: string;
  /** Epoch milliseconds: when the lead is received. */
  receivedAt: number;
}

export interface StoredLead {
  id: string;
  /** `replayed`: the same key and body were stored before, under `id`. */
  kind: 'stored' | 'replayed';
}

export async function storeLead(facts: LeadFacts, outbox: Pick<Outbox, 'accept'>): Promise<Refusable<StoredLead>> {
  const { fields, phones, attribution, meta } = facts.submission;
  const lead: Lead = {
    id: facts.id,
    formId: facts.formId,
    ...(typeof facts.formVersion === 'number' ? { formVersion: facts.formVersion } : {}),
    receivedAt: isoTime(facts.receivedAt),
    fields,
    ...(phones ? { phones } : {}),
    ...(attribution ? { attribution } : {}),
    ...(meta?.page ? { page: meta.page } : {}),
    ...(meta?.locale ? { locale: meta.locale } : {}),
  };
  // One entry per destination of the form, all stored before the 202.
  const destinations = formDestinations(facts.form);
  const what = { lead, idempotencyKey: facts.idempotencyKey, bodyHash: facts.bodyHash };
  const stored = await outbox.accept(destinations.length === 1 ? { ...what, destination: destinations[0]! } : { ...what, destinations });
  if (stored.kind === 'conflict') {
    return refused(
      new RelayError('idempotency_conflict', 409, 'This Idempotency-Key was already used with a different body; use a new key for a new submission.'),
    );
  }
  return passed({ id: stored.id, kind: stored.kind });
}
