/**
 * The sandbox inbox: the default destination of the demo. It keeps delivered leads in the
 * relay's own store and lists them at `/sandbox/inbox`, so a newcomer sees a lead arrive with no
 * CRM account. Not for production: it stores personal data with no retention of its own.
 */
import * as z from 'zod/mini';
import { defineDestination, type SecretDeps } from './define.ts';
import type { Lead } from '../schema/lead.ts';

export interface InboxItem {
  lead: Lead;
  /** Epoch milliseconds. */
  deliveredAt: number;
}

/** Where the sandbox keeps what it receives; each runtime provides one. */
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
  prepare(_options, deps: SecretDeps & { sandboxInbox?: SandboxInbox | undefined }) {
    const inbox = deps.sandboxInbox;
    if (!inbox) return { ok: false, problems: ['the sandbox destination needs a runtime with a sandbox inbox (Node)'] };
    return { ok: true, value: inbox };
  },
  async deliver(lead, _context, inbox) {
    const result = await inbox.add(lead, Date.now());
    return { kind: result === 'added' ? 'delivered' : 'exists', remoteId: lead.id };
  },
});
