/**
 * Calling a vendor and reading its answer, shared by every adapter: one place that paces,
 * times out, parses, and turns status codes and rate-limit headers into a DeliveryOutcome.
 */
import type { DeliveryContext, DeliveryOutcome } from './types.ts';

export interface VendorAnswer {
  /** 0 when no answer came: refused, reset, or aborted by the delivery timeout (see `reason`). */
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** The body as the vendor sent it, for a vendor that answers plain text (Slack). */
  text?: string | undefined;
  /** Why no answer came, when `status` is 0. */
  reason?: string;
}

export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is, when the exact bytes matter (a signed body). */
  rawBody?: string;
}

/** What `send` needs of an attempt's context: the network, the pacer and the timeout. */
export type SendContext = Pick<DeliveryContext, 'fetch' | 'pace' | 'signal'>;

/** Paces, then sends one request to the vendor. Never throws: a lost request comes back as status 0. */
export async function send(context: SendContext, request: VendorRequest): Promise<VendorAnswer> {
  await context.pace();
  try {
    const response = await context.fetch(request.url, {
      method: request.method,
      headers: {
        Accept: 'application/json',
        ...(request.json === undefined && request.rawBody === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...request.headers,
      },
      body: request.rawBody ?? (request.json === undefined ? undefined : JSON.stringify(request.json)),
      signal: context.signal,
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const reason =
      name === 'AbortError' || name === 'TimeoutError'
        ? 'no answer before the delivery timeout'
        : `connection failed (${error instanceof Error ? error.message : String(error)})`;
    return { status: 0, headers: new Headers(), body: undefined, reason };
  }
}

/**
 * How long the vendor asked us to wait, in milliseconds, from whichever header it uses:
 * `Retry-After` (seconds or an HTTP date), `RateLimit: limit=…, remaining=…, reset=S` (Close and
 * the IETF draft), `RateLimit-Reset`, or `x-ratelimit-reset` (Pipedrive: seconds to the reset).
 * A reset that looks like a Unix time (after 2001) is read as one.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const structured = headers.get('ratelimit')?.match(/(?:^|[,;\s])reset=(\d+(?:\.\d+)?)/i)?.[1];
  const reset = structured ?? headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset');
  if (reset) return resetToMs(Number(reset), now);
  return undefined;
}

/** A reset given either as seconds from now or as a Unix time in seconds. */
export function resetToMs(reset: number, now = Date.now()): number | undefined {
  if (!Number.isFinite(reset) || reset < 0) return undefined;
  return reset > 1_000_000_000 ? Math.max(0, Math.ceil(reset * 1000 - now)) : Math.ceil(reset * 1000);
}

/**
 * The outcome of an answer that is not a success, by its status code alone. Adapters read their
 * vendor's error bodies first and fall back to this.
 * - 408, 425, 429: retry, after the time the vendor named.
 * - other 4xx: the vendor refuses this request for good (credentials, permissions, body).
 * - 5xx and no answer: retry; on a call that creates, the vendor may have committed before it
 *   failed (a 503 means it did not take the request), so the next attempt must look first.
 */
export function classify(answer: VendorAnswer, what: string, creates: boolean, detail?: string): DeliveryOutcome {
  if (answer.status === 0) return { kind: 'retry', reason: `${what}: ${answer.reason}`, uncertain: creates };
  const reason = `${what}: HTTP ${answer.status}${detail ? ` ${truncate(detail, 300)}` : ''}`;
  if (answer.status === 408 || answer.status === 425 || answer.status === 429) {
    return { kind: 'retry', reason, afterMs: retryAfterMs(answer.headers) };
  }
  if (answer.status >= 400 && answer.status < 500) return { kind: 'failed', reason };
  if (answer.status >= 500) {
    return { kind: 'retry', reason, afterMs: retryAfterMs(answer.headers), uncertain: creates && answer.status !== 503 };
  }
  return { kind: 'failed', reason: `${what}: unexpected HTTP ${answer.status}` };
}

export function isSuccess(answer: VendorAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** Marks a retry as uncertain: used once an earlier call of the same attempt has created something. */
export function afterCommit(outcome: DeliveryOutcome): DeliveryOutcome {
  return outcome.kind === 'retry' ? { ...outcome, uncertain: true } : outcome;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A property of a JSON object, or undefined. */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
