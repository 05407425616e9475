/**
 * The admin page's one way to the relay: the admin API with the token the operator typed in,
 * kept for this browser tab only (sessionStorage). Every view calls through here, so how the page
 * signs in is decided in one place.
 */
import { signal } from '@preact/signals';

const TOKEN_KEY = 'leadform-admin-token';

/** The admin token, or '' while signed out. Views reload when it changes. */
export const token = signal(sessionStorage.getItem(TOKEN_KEY) ?? '');

export function signIn(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
  token.value = value;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  token.value = '';
}

/** An admin call's JSON body; a refusal throws an Error with the relay's message and `status`. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await apiPage<T>(path, init)).body;
}

/** An admin call's body, and the path of the next page when its `Link` header names one. */
export async function apiPage<T>(path: string, init: RequestInit = {}): Promise<{ body: T; next: string | null }> {
  const response = await fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token.value}` } });
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw Object.assign(new Error(body.message ?? `HTTP ${response.status}`), { status: response.status, body });
  return { body, next: /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('Link') ?? '')?.[1] ?? null };
}
