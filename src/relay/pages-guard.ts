/**
 * The guard in front of every destination's own pages (`Destination.pages`, mounted by each
 * runtime under its type's `pagesAt`): such pages may show personal data (the sandbox's inbox
 * lists leads), so they answer only a client on this machine, where the runtime can tell one, or
 * a request carrying the admin token as `Authorization: Bearer`. Never a token in the URL: URLs end
 * up in logs, histories and Referers.
 *
 * On Node a loopback socket suffices (the demo opened in a browser on the same machine); behind a
 * reverse proxy every socket is the proxy's, so there only the token does, and a request that a
 * proxy forwarded (it carries Forwarded, X-Forwarded-For, X-Real-IP or Via) is never taken for a
 * local one, even with LEADFORM_TRUST_PROXY unset and the proxy on the same machine. Workers have no
 * loopback: only the token. Failed tokens are logged and slowed as the admin API's are.
 */
import { bearerGate } from './admin.ts';
import type { Log } from './log.ts';
import { ipv6Groups } from './rate-limit.ts';

export type Pages = (request: Request) => Response | Promise<Response>;

export interface PagesClient {
  /** The client's address, for the log and the failure limit; null when unknown. */
  address: string | null;
  /** The connection comes from this machine (a loopback socket, no proxy in between). */
  loopback: boolean;
}

export interface PagesGuardOptions {
  /** The admin token; unset, only loopback clients get in. */
  token: string | undefined;
  log: Log;
  /** Whether this runtime can tell a loopback client at all, for what a refused client is told. */
  loopbackSuffices: boolean;
  /** @default Date.now */
  now?: () => number;
}

/** `pages` behind the guard: loopback clients and the admin token pass, anyone else gets 401 (429 after repeated failures). */
export function guardPages(pages: Pages, options: PagesGuardOptions): (request: Request, client: PagesClient) => Promise<Response> {
  const hint = options.loopbackSuffices
    ? "This page shows personal data: open it on the relay's own machine (localhost), or send Authorization: Bearer <LEADFORM_ADMIN_TOKEN>."
    : 'This page shows personal data: send Authorization: Bearer <LEADFORM_ADMIN_TOKEN>.';
  const gate = bearerGate(options.token, { log: options.log, now: options.now ?? Date.now, hint });
  return async (request, client) => {
    if (options.loopbackSuffices && client.loopback && !forwarded(request)) return pages(request);
    const refusal = await gate.check(request.headers.get('Authorization') ?? undefined, client.address, new URL(request.url).pathname);
    if (!refusal) return pages(request);
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (refusal.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="leadform admin"';
    if (refusal.extra.retryAfterSeconds !== undefined) headers['Retry-After'] = String(refusal.extra.retryAfterSeconds);
    return Response.json(refusal.toJSON(), { status: refusal.status, headers });
  };
}

/** Whether a proxy handed this request on: a local socket then says nothing of the visitor. */
function forwarded(request: Request): boolean {
  return FORWARDING_HEADERS.some((name) => request.headers.has(name));
}

const FORWARDING_HEADERS = ['Forwarded', 'X-Forwarded-For', 'X-Real-IP', 'Via'];

/** 127.0.0.0/8, ::1, and either written IPv4-mapped (`::ffff:127.0.0.1`). */
export function isLoopback(address: string | null | undefined): boolean {
  if (!address) return false;
  const text = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(text)) return true;
  const v6 = ipv6Groups(text);
  if (!v6) return false;
  if (v6.mapped) return v6.mapped.startsWith('127.');
  return v6.groups.slice(0, 7).every((group) => group === 0) && v6.groups[7] === 1;
}
