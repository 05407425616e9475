/**
 * The lead: the core's central record. The relay builds it from an accepted submission, the outbox
 * stores it, and every destination receives it as it was stored.
 */
import type { Attribution } from './attribution.ts';
import type { FieldValue } from './submission.ts';

/** A lead as the relay stored it, and as every destination receives it. */
export interface Lead {
  /** The relay's submission id; adapters store it at the vendor where they can (origin id). */
  id: string;
  formId: string;
  /** ISO 8601. */
  receivedAt: string;
  fields: Record<string, FieldValue>;
  attribution?: Attribution | undefined;
  /** Where the visitor submitted from; never spam signals or tokens. */
  page?: string | undefined;
  locale?: string | undefined;
}
