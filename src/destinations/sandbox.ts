/**
 * The sandbox inbox: the default destination of the demo. It keeps delivered leads in the
 * relay's own store and lists them at `/sandbox/inbox`, so a newcomer sees a lead arrive with no
 * CRM account. Not for production: it stores personal data with no retention of its own.
 */
import type { DestinationFactory } from './types.ts';
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

export const sandbox: DestinationFactory<{ sandboxInbox?: SandboxInbox }> = (_options, deps) => {
  const inbox = deps.sandboxInbox;
  if (!inbox) return { ok: false, problems: ['the sandbox destination needs a runtime with a sandbox inbox (Node)'] };
  return {
    ok: true,
    value: {
      type: 'sandbox',
      async deliver(lead) {
        const result = await inbox.add(lead, Date.now());
        return { kind: result === 'added' ? 'delivered' : 'exists', remoteId: lead.id };
      },
    },
  };
};
