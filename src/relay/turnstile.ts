/**
 * Cloudflare Turnstile, checked server-side: the widget's token goes to Cloudflare's siteverify
 * endpoint with the secret key, which answers `{success, "error-codes": [...]}`.
 * https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
 */

export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

export type TurnstileResult =
  | { ok: true }
  /** Cloudflare refused the token; `codes` are its error codes, e.g. `timeout-or-duplicate`. */
  | { ok: false; kind: 'refused'; codes: string[] }
  /** Cloudflare could not be asked or answered nonsense: the visitor may try again. */
  | { ok: false; kind: 'unavailable'; reason: string };

/** What one check asks Cloudflare: the token, with the secret and what else it can weigh. */
export interface TurnstileQuestion {
  token: string;
  secret: string;
  remoteIp?: string | null | undefined;
  /**
   * The submission's Idempotency-Key, as the widget sent it (32 hex characters) or any key a client
   * chose: it lets Cloudflare answer a retried check of the same token as it answered the first.
   * Sent as the UUID `siteverifyIdempotencyKey` derives from it.
   */
  idempotencyKey?: string | null | undefined;
}

export interface TurnstileCheck extends TurnstileQuestion {
  fetch: typeof fetch;
  /** @default TURNSTILE_VERIFY_URL */
  verifyUrl?: string | undefined;
  /** @default 5000 */
  timeoutMs?: number | undefined;
}

export async function verifyTurnstile(check: TurnstileCheck): Promise<TurnstileResult> {
  const body = new URLSearchParams({ secret: check.secret, response: check.token });
  if (check.remoteIp) body.set('remoteip', check.remoteIp);
  if (check.idempotencyKey) body.set('idempotency_key', await siteverifyIdempotencyKey(check.idempotencyKey));
  let answer: { success?: unknown; 'error-codes'?: unknown };
  try {
    const response = await check.fetch(check.verifyUrl ?? TURNSTILE_VERIFY_URL, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(check.timeoutMs ?? 5000),
    });
    if (!response.ok) return { ok: false, kind: 'unavailable', reason: `siteverify answered HTTP ${response.status}` };
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    return { ok: false, kind: 'unavailable', reason: error instanceof Error ? error.name : 'fetch failed' };
  }
  if (answer.success === true) return { ok: true };
  const codes = Array.isArray(answer['error-codes']) ? answer['error-codes'].filter((c): c is string => typeof c === 'string') : [];
  return { ok: false, kind: 'refused', codes };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_128 = /^[0-9a-f]{32}$/i;
/** The RFC 9562 URL namespace, under which other keys are named (`leadform-idempotency-key:KEY`). */
const URL_NAMESPACE = '6ba7b8119dad11d180b400c04fd430c8';

function formatUuid(bytes: Uint8Array, version: number): string {
  const b = bytes.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | (version << 4);
  b[8] = (b[8]! & 0x3f) | 0x80; // the RFC variant
  const hex = Array.from(b, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (pair) => Number.parseInt(pair, 16));

/**
 * Siteverify's `idempotency_key` must be a UUID; a submission's Idempotency-Key is whatever the
 * client sent (the widget: 128 random bits as 32 hex characters). The same key always gives the
 * same UUID, so every retry of a submission repeats Cloudflare's first answer instead of spending
 * the visitor's token:
 * - a UUID is sent as it is (lower case);
 * - 32 hex characters are those 128 bits laid out as a version-4 UUID (its 6 fixed bits set, as in
 *   any random UUID);
 * - any other key is named by a version-5 UUID (SHA-1 of the URL namespace and
 *   `leadform-idempotency-key:` + the key).
 */
export async function siteverifyIdempotencyKey(key: string): Promise<string> {
  if (UUID.test(key)) return key.toLowerCase();
  if (HEX_128.test(key)) return formatUuid(hexBytes(key), 4);
  const name = new TextEncoder().encode(`leadform-idempotency-key:${key}`);
  const input = new Uint8Array(16 + name.length);
  input.set(hexBytes(URL_NAMESPACE));
  input.set(name, 16);
  return formatUuid(new Uint8Array(await crypto.subtle.digest('SHA-1', input)), 5);
}

/** Checks a token; the accept path is handed one, so it can be tested without Cloudflare. */
export type TurnstileVerifier = (question: TurnstileQuestion) => Promise<TurnstileResult>;

export interface TurnstileVerifierOptions {
  /** @default globalThis.fetch, looked up at each check */
  fetch?: typeof fetch | undefined;
  /** @default TURNSTILE_VERIFY_URL */
  verifyUrl?: string | undefined;
}

/** A verifier that asks Cloudflare's siteverify (or the endpoint given) over `fetch`. */
export function turnstileVerifier(options: TurnstileVerifierOptions = {}): TurnstileVerifier {
  return (question) =>
    verifyTurnstile({
      ...question,
      // Bound: on Workers, fetch called as a method of another object throws "Illegal invocation".
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      verifyUrl: options.verifyUrl ?? TURNSTILE_VERIFY_URL,
    });
}
