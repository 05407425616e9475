/**
 * The sandbox inbox: the default destination of the demo. It keeps delivered leads in a table of
 * its own in the relay's SQLite (sandbox-store.ts) and lists them at `/sandbox/inbox`
 * (sandbox-page.ts), so a newcomer sees a lead arrive with no CRM account. Not for production: it
 * stores personal data with no retention of its own.
 */
import * as z from 'zod/mini';
import type { Lead } from '../schema/lead.ts';
import { defineDestination } from './define.ts';
import { sandboxRoutes } from './sandbox-page.ts';
import { type SqlSandboxInbox, sqlSandboxInbox } from './sandbox-store.ts';

export interface InboxItem {
  lead: Lead;
  /** Epoch milliseconds. */
  deliveredAt: number;
}

/** Where the sandbox keeps what it receives. */
export interface SandboxInbox {
  /** Stores the lead once: a second call with the same lead id changes nothing. */
  add(lead: Lead, now: number): Promise<'added' | 'exists'>;
  list(limit: number): Promise<InboxItem[]>;
}

export const sandbox = defineDestination({
  type: 'sandbox',
  // The sandbox takes no options; a plain (not strict) object accepts and ignores any, as it always has.
  options: z.object({}),
  secrets: [],
  prepare(_options, deps): { ok: true; value: SqlSandboxInbox } | { ok: false; problems: string[] } {
    if (!deps.sql)
      return {
        ok: false,
        problems: ["type: the sandbox keeps its inbox in the relay's SQLite, and this runtime gives destinations none; use another destination type"],
      };
    return { ok: true, value: sqlSandboxInbox(deps.sql) };
  },
  pages: { at: '/sandbox/', serve: (inbox) => sandboxRoutes(inbox).fetch },
  async deliver(lead, _context, inbox) {
    return outcomeOf(lead, await inbox.add(lead, Date.now()));
  },
  // The inbox is a table of the relay's own database: the outbox delivers a lead to it in the
  // transaction that accepts it, or a batch of leads with their records in one transaction.
  inTransaction: (inbox) => ({
    sql: inbox.sql,
    deliver: (lead, now, leadJson) => outcomeOf(lead, inbox.addNow(lead, now, leadJson)),
    withdraw: (leadId) => inbox.removeNow(leadId),
  }),
});

const outcomeOf = (lead: Lead, added: 'added' | 'exists') => ({ kind: added === 'added' ? ('delivered' as const) : ('exists' as const), remoteId: lead.id });
