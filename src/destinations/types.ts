/**
 * The one small interface every destination (a CRM, a webhook, the sandbox inbox) implements.
 * The relay core knows destinations only through this file and the registry that the runtime
 * entry hands it; it never imports a specific adapter.
 */
import type { Checked } from '../schema/checked.ts';
import type { Lead } from '../schema/lead.ts';

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
   * Serves the pages this destination has of its own (the sandbox: its inbox), under its type's
   * `pagesAt` prefix. The runtime mounts it where the destination's state lives.
   */
  pages?(request: Request): Response | Promise<Response>;
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
