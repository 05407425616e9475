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
  /** Lets Cloudflare answer a retried check of the same token as it answered the first. */
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
  if (check.idempotencyKey && /^[0-9a-f-]{36}$/i.test(check.idempotencyKey)) body.set('idempotency_key', check.idempotencyKey);
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
