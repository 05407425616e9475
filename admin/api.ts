/**
 * The admin page's one way to the relay. Signing in trades the admin token for a session cookie
 * (`POST /v1/admin/session`: HttpOnly, so no script on the page can read it) and the session's
 * CSRF token, which every change sends in `X-CSRF-Token`; the page keeps no token. A relay
 * without sessions (an older one) takes the token as a bearer token instead, kept for this tab
 * only (sessionStorage). Every view calls through here, so how the page signs in is decided in one place.
 */
import { signal } from '@preact/signals';

const TOKEN_KEY = 'leadform-admin-token';
const SESSION = '/v1/admin/session';
/**
 * Set while this browser holds a session cookie, which the page cannot see (HttpOnly): only then
 * does a reload ask the relay for the session, since each ask without a cookie counts as a failed
 * sign-in toward the address's limit. It holds no secret.
 */
const HAS_SESSION_KEY = 'leadform-admin-has-session';

type Credentials = { kind: 'session'; csrfToken: string } | { kind: 'bearer'; token: string };

/** How this tab is signed in, or null while signed out. Views reload when it changes. */
const credentials = signal<Credentials | null>(bearerKept());

/** A non-empty string while signed in, '' while signed out; views read it to reload on a change. */
export const token = {
  get value(): string {
    const held = credentials.value;
    return held === null ? '' : held.kind === 'bearer' ? held.token : held.csrfToken;
  },
};

/** Whether the page is still asking the relay for a session made before a reload. */
export const checking = signal(credentials.value === null && localStorage.getItem(HAS_SESSION_KEY) !== null);

function bearerKept(): Credentials | null {
  const kept = sessionStorage.getItem(TOKEN_KEY);
  return kept ? { kind: 'bearer', token: kept } : null;
}

// A reload keeps the cookie, not the CSRF token: the relay tells it again.
if (checking.value) {
  fetch(SESSION, { credentials: 'same-origin' })
    .then(async (response) => {
      const body = (await response.json().catch(() => ({}))) as { csrfToken?: string };
      if (response.ok && body.csrfToken) credentials.value = { kind: 'session', csrfToken: body.csrfToken };
      else localStorage.removeItem(HAS_SESSION_KEY);
    })
    .catch(() => undefined)
    .finally(() => (checking.value = false));
}

/** Signs in with the admin token; resolves to the relay's refusal message, or '' once signed in. */
export async function signIn(value: string): Promise<string> {
  const response = await fetch(SESSION, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: value }),
  }).catch(() => null);
  const body = ((await response?.json().catch(() => ({}))) ?? {}) as { csrfToken?: string; message?: string };
  if (response?.ok && body.csrfToken) {
    localStorage.setItem(HAS_SESSION_KEY, '1');
    credentials.value = { kind: 'session', csrfToken: body.csrfToken };
    return '';
  }
  // A relay with no session route refuses it (404, or 401 from its bearer gate): the token goes as a bearer token instead, if it is right.
  if (response?.status === 404 || response?.status === 401) {
    const tried = await fetch('/v1/admin/forms', { headers: { Authorization: `Bearer ${value}` } }).catch(() => null);
    if (tried?.ok) {
      sessionStorage.setItem(TOKEN_KEY, value);
      credentials.value = { kind: 'bearer', token: value };
      return '';
    }
  }
  return body.message ?? `Sign-in failed (HTTP ${response?.status ?? 'no answer'}).`;
}

export async function signOut(): Promise<void> {
  const held = credentials.value;
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(HAS_SESSION_KEY);
  credentials.value = null;
  if (held?.kind === 'session')
    await fetch(SESSION, { method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-Token': held.csrfToken } }).catch(() => undefined);
}

/** An admin call's JSON body; a refusal throws an Error with the relay's message, `status` and `body`. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await apiPage<T>(path, init)).body;
}

/** An admin call's body, and the path of the next page when its `Link` header names one. */
export async function apiPage<T>(path: string, init: RequestInit = {}): Promise<{ body: T; next: string | null }> {
  const held = credentials.value;
  const auth: Record<string, string> =
    held?.kind === 'bearer' ? { Authorization: `Bearer ${held.token}` } : held?.kind === 'session' ? { 'X-CSRF-Token': held.csrfToken } : {};
  const response = await fetch(path, { ...init, credentials: 'same-origin', headers: { ...init.headers, ...auth } });
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  // An expired session signs the page out, so the next step is signing in again.
  if (response.status === 401 && held?.kind === 'session') {
    localStorage.removeItem(HAS_SESSION_KEY);
    credentials.value = null;
  }
  if (!response.ok) throw Object.assign(new Error(body.message ?? `HTTP ${response.status}`), { status: response.status, body });
  return { body, next: /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('Link') ?? '')?.[1] ?? null };
}
