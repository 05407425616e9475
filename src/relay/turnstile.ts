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

export interface TurnstileCheck {
  token: string;
  secret: string;
  remoteIp?: string | null | undefined;
  /** Lets Cloudflare answer a retried check of the same token as it answered the first. */
  idempotencyKey?: string | null | undefined;
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
