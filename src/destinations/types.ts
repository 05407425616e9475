/**
 * The one small interface every destination (a CRM, a webhook, the sandbox inbox) implements.
 * The relay core knows destinations only through this file and the registry that the runtime
 * entry hands it; it never imports a specific adapter.
 */
import type { Checked } from '../schema/checked.ts';
import type { Lead } from '../schema/lead.ts';
import type { SqlDriver } from '../storage/sql-driver.ts';

/**
 * How an attempt ended, as the adapter classifies the vendor's answer:
 * - delivered: the vendor has the lead now.
 * - exists: the vendor had it already (a retry found the earlier attempt's lead).
 * - retry: try again later; `afterMs` when the vendor said when, `uncertain` when the vendor may
 *   have committed the lead anyway (so the next attempt must look before it creates).
 * - failed: the vendor refused it for good (bad credentials, a body it will never accept).
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; remoteId?: string | undefined }
  | { kind: 'exists'; remoteId?: string | undefined }
  | { kind: 'retry'; reason: string; afterMs?: number | undefined; uncertain?: boolean | undefined }
  | { kind: 'failed'; reason: string };

export interface DeliveryContext {
  /** The outbound fetch: injected so that tests and runtimes choose the network. */
  fetch: typeof fetch;
  /**
   * Reads a secret from the environment by the name the configuration gives. An adapter made with
   * `defineDestination` never calls it: its declared secrets arrive read, as `context.secrets`.
   */
  secret(name: string): string | undefined;
  /** 1 for the first attempt. */
  attempt: number;
  /** True when an earlier attempt may have reached the vendor: look before creating. */
  uncertain: boolean;
  /** Aborts the attempt when it takes longer than the delivery timeout. */
  signal: AbortSignal;
  /**
   * Waits until one more call to the vendor fits under `pace`; call it before each request.
   * Resolves at once when the destination declares no pace.
   */
  pace(): Promise<void>;
  /** The form's field mapping from the configuration, if any. */
  mapping?: Record<string, string> | undefined;
}

export interface Destination {
  /** The adapter type, e.g. "pipedrive". */
  readonly type: string;
  /**
   * The most calls this destination makes to the vendor in a window, from the vendor's documented
   * limit, so that delivery paces itself under it instead of bouncing off it. An attempt may make
   * several calls (find, then create): `deliver` counts them by calling `context.pace()`.
   */
  readonly pace?: Pace | undefined;
  /**
   * The environment variables this destination reads its secrets from. Delivery reads them as
   * `deliver` does and scrubs their values from whatever the vendor answered before it is recorded
   * or logged, so a vendor that echoes the request cannot put a token into the outbox.
   * @default none
   */
  readonly secretNames?: readonly string[] | undefined;
  deliver(lead: Lead, context: DeliveryContext): Promise<DeliveryOutcome>;
  /**
   * For a destination whose delivery is a write to the relay's own SQL database (the sandbox
   * inbox): `deliver` does that write at once, inside a transaction its caller holds on `sql`, and
   * never calls out. An outbox in the same database then claims a batch of due entries, delivers
   * each and records each outcome in one transaction (`Outbox.attemptInTransaction`), so a crash
   * keeps a whole batch or none of it: no lead is delivered without its record, none twice.
   * @default none: each lead is attempted on its own, with `deliver` above
   */
  readonly inTransaction?: InTransactionDelivery | undefined;
  /**
   * Serves the pages this destination has of its own (the sandbox: its inbox), under its type's
   * `pagesAt` prefix. The runtime mounts it where the destination's state lives.
   */
  pages?(request: Request): Response | Promise<Response>;
}

/** A delivery made inside a transaction of the database `sql` (see `Destination.inTransaction`). */
export interface InTransactionDelivery {
  readonly sql: SqlDriver;
  /**
   * Synchronous, its writes in the caller's transaction; a throw rolls the whole batch back.
   * `leadJson` is the lead as JSON when the caller has written it out already (the outbox, at
   * accept), so it is not written out twice.
   */
  deliver(lead: Lead, now: number, leadJson?: string): DeliveryOutcome;
  /**
   * Undoes `deliver`, in the caller's transaction, for a lead delivered as it was accepted whose
   * accept is then withdrawn (its database file was moved away meanwhile, and the visitor is told
   * to send it again).
   */
  withdraw(leadId: string): void;
}

/** At most `calls` calls to the vendor in any window of `perMs` milliseconds. */
export interface Pace {
  calls: number;
  perMs: number;
}

/**
 * Builds a destination from its configuration entry. Returns problems (`key: what; fix`, keys
 * relative to the options) instead of throwing, so a bad configuration stops start-up with a clear
 * message. `defineDestination` (define.ts) makes one from an adapter's definition.
 */
export type DestinationFactory<Deps = unknown> = ((options: Record<string, unknown>, deps: Deps) => Checked<Destination>) & {
  /**
   * The option keys that name an environment variable holding a secret (`apiTokenEnv`): the
   * configuration checks each one names a variable, and that the variable is set.
   * @default none
   */
  readonly secrets?: readonly string[] | undefined;
  /**
   * The path prefix under which a destination of this type serves its `pages`, e.g. "/sandbox/",
   * known before any is built: the Worker routes those paths to the destination's Durable Object.
   * @default no pages
   */
  readonly pagesAt?: string | undefined;
};

/** One email, ready to send: every header value on one line, both parts rendered. */
export interface MailMessage {
  /** `address` or `Name <address>`. */
  from: string;
  to: readonly string[];
  replyTo?: string | undefined;
  subject: string;
  text: string;
  html: string;
  /** `<…@…>`, derived from the lead and the destination, so a resend is recognisably the same message. */
  messageId: string;
  /** Extra headers (`X-Leadform-Lead`, `Auto-Submitted`), by name. */
  headers: Readonly<Record<string, string>>;
}

/** A recipient the SMTP server refused, with its reply. */
export interface RefusedRecipient {
  address: string;
  /** The SMTP reply code, e.g. 550. */
  code: number;
  /** The server's reply text, e.g. "550 5.1.1 <x@example.com>: Recipient address rejected". */
  response: string;
}

/**
 * How one SMTP transaction ended, as the sender saw it (the adapter classifies it):
 * - accepted: the server took the message (250 after the data), for `accepted`; `refused` lists
 *   recipients it declined meanwhile.
 * - refused: the server answered no, at `phase`, with its reply code and text; nothing was taken.
 * - lost: no answer (refused connection, reset, timeout); `dataSent` when the message had been
 *   sent, so the server may have taken it.
 * - invalid: the URL or the message cannot be used; sending again would not help.
 */
export type MailResult =
  | { kind: 'accepted'; response: string; accepted: readonly string[]; refused: readonly RefusedRecipient[] }
  | { kind: 'refused'; phase: 'connect' | 'auth' | 'envelope' | 'data'; code: number; response: string; refused: readonly RefusedRecipient[] }
  | { kind: 'lost'; reason: string; dataSent: boolean }
  | { kind: 'invalid'; reason: string };

/**
 * Sends one message through the SMTP server `smtpUrl` names (`smtps://` implicit TLS, `smtp://`
 * with STARTTLS when offered), ending when `signal` aborts. Never throws. The Node runtime
 * provides it (src/runtime/node/smtp.ts); the Worker has none, and opens no SMTP connections.
 */
export type SendMail = (smtpUrl: string, message: MailMessage, signal: AbortSignal) => Promise<MailResult>;
