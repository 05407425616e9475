/**
 * The plumbing every fake vendor shares: a real HTTP server on port 0, requests parsed once,
 * a log of what arrived, and faults queued by the tests. Each vendor file decides what its
 * endpoints answer, as that vendor's own documentation says (the README's section on each CRM
 * sums up what delivery relies on).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** A body sent as it is, for a vendor that answers plain text (Slack's `ok`); `json` is then ignored. */
  text?: string;
}

/** Never answer: the client's timeout ends the exchange (the vendor may have committed already). */
export const HANG = Symbol('hang');

export type Handler = (request: FakeRequest) => FakeResponse | typeof HANG | Promise<FakeResponse | typeof HANG>;

/** What a test can make the vendor do to the next call that creates a lead. */
export type Fault =
  /** A body the vendor will never accept: its 400-type answer. */
  | { kind: 'invalid' }
  /** The vendor's documented answer to too many calls, with or without the time to wait. */
  | { kind: 'rateLimited'; withReset: boolean }
  /** An internal error before anything is stored. */
  | { kind: 'serverError' }
  /** The lead is stored, then the answer never comes. */
  | { kind: 'commitThenHang' };

export interface FakeVendor {
  /** The base URL the adapter's options point at. */
  url: string;
  /** Adapter options that reach this fake. */
  options: Record<string, unknown>;
  /** The environment holding the credentials this fake accepts. */
  env: Record<string, string>;
  /** The same variables holding credentials this fake refuses. */
  badEnv: Record<string, string>;
  /** Every request that arrived, in order. */
  requests: FakeRequest[];
  /** The leads the vendor holds whose email is this one. */
  leadsWithEmail(email: string): unknown[];
  /**
   * The records the vendor keeps beside one of those leads and links to it (its person,
   * organization, notes), for a check of everything the vendor holds about a visitor.
   * @default none: the lead's record holds it all
   */
  linkedTo?(lead: unknown): unknown[];
  /**
   * Queues a fault for the next call that creates a lead. For a rate limit with reset, returns
   * the wait the vendor announces, in milliseconds.
   */
  inject(fault: Fault): number | undefined;
  close(): Promise<void>;
}

export interface RunningServer {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(handle: Handler): Promise<RunningServer> {
  const requests: FakeRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        text,
        json,
      };
      requests.push(request);
      let answer: FakeResponse | typeof HANG;
      try {
        answer = await handle(request);
      } catch (error) {
        answer = { status: 500, json: { error: `fake vendor bug: ${(error as Error).message}` } };
      }
      if (answer === HANG) {
        hanging.add(res);
        return;
      }
      const body = answer.text ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
      const type = answer.text === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
      res.writeHead(answer.status, { ...(body ? { 'Content-Type': type } : {}), ...answer.headers });
      res.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Takes the next queued fault, if any. */
export function nextFault(faults: Fault[]): Fault | undefined {
  return faults.shift();
}

/** A fixed-window counter: the vendor's "N calls per window" rule. */
export class WindowLimit {
  private windowStart = 0;
  private count = 0;
  constructor(
    readonly calls: number,
    readonly perMs: number,
  ) {}
  /** Counts one call; returns the milliseconds until the window resets when over the limit. */
  take(now = Date.now()): { ok: true; remaining: number; resetMs: number } | { ok: false; resetMs: number } {
    if (now - this.windowStart >= this.perMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    const resetMs = this.windowStart + this.perMs - now;
    return this.count <= this.calls ? { ok: true, remaining: this.calls - this.count, resetMs } : { ok: false, resetMs };
  }
}
