/**
 * Sign-in for a team: the admin page trades the admin token for a session cookie once, and then
 * holds no token. The cookie is stateless (`<session id>.<expiry>.<HMAC>`), signed with a key
 * derived from the admin token, so it works alike on Node and on every Workers isolate, and
 * changing the token signs every session out. A change made through the cookie also needs the
 * session's CSRF token in `X-CSRF-Token` (an HMAC of the session id, which a page on another
 * origin cannot read), and a same-origin `Origin` when the browser sends one.
 *
 * Being stateless, signing out clears the cookie in that browser; a copy of the cookie taken
 * before stays valid until it expires, which `maxAgeSeconds` bounds.
 */

/** The session cookie's name. */
export const SESSION_COOKIE = 'leadform_admin';

/** How long a session lasts: 12 hours. */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

export interface Session {
  /** Random, 128 bits as hex: who made a change, in a form's history (`session:<id>`). */
  id: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  csrfToken: string;
}

export interface SessionKeeperOptions {
  /** @default Date.now */
  now?: () => number;
  /** @default SESSION_MAX_AGE_SECONDS (12 hours) */
  maxAgeSeconds?: number;
}

export interface SessionKeeper {
  /** A new session, and the cookie value that carries it. */
  open(): Promise<{ session: Session; cookie: string }>;
  /** The session the `Cookie` header carries, when its signature holds and it has not expired; else null. */
  read(cookieHeader: string | undefined | null): Promise<Session | null>;
  /** The `Set-Cookie` header for `cookie`; `secure` when the request came over https. */
  setCookie(cookie: string, secure: boolean): string;
  /** The `Set-Cookie` header that removes the cookie. */
  clearCookie(secure: boolean): string;
}

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer): string {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** A cookie by name from a `Cookie` header. */
export function cookieValue(header: string | undefined | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Sessions signed with a key derived from `adminToken`. */
export function sessionKeeper(adminToken: string, options: SessionKeeperOptions = {}): SessionKeeper {
  const now = options.now ?? Date.now;
  const maxAgeSeconds = options.maxAgeSeconds ?? SESSION_MAX_AGE_SECONDS;
  // A key of its own, so a signature never equals anything the token itself is compared with.
  const key = crypto.subtle
    .digest('SHA-256', encoder.encode(`leadform admin session\n${adminToken}`))
    .then((raw) => crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
  const sign = async (text: string) => base64url(await crypto.subtle.sign('HMAC', await key, encoder.encode(text)));
  const csrfOf = (id: string) => sign(`csrf.${id}`);

  const attributes = (secure: boolean) => `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

  return {
    async open() {
      const id = [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      const expiresAt = now() + maxAgeSeconds * 1000;
      const payload = `${id}.${Math.floor(expiresAt / 1000)}`;
      return { session: { id, expiresAt: Math.floor(expiresAt / 1000) * 1000, csrfToken: await csrfOf(id) }, cookie: `${payload}.${await sign(payload)}` };
    },
    async read(header) {
      const value = cookieValue(header, SESSION_COOKIE);
      const match = value && /^([0-9a-f]{32})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
      if (!match) return null;
      const [, id, expiry, signature] = match;
      const bytes = fromBase64url(signature!);
      // verify() compares in constant time.
      if (!bytes || !(await crypto.subtle.verify('HMAC', await key, bytes, encoder.encode(`${id}.${expiry}`)))) return null;
      const expiresAt = Number(expiry) * 1000;
      if (expiresAt <= now()) return null;
      return { id: id!, expiresAt, csrfToken: await csrfOf(id!) };
    },
    setCookie: (cookie, secure) => `${SESSION_COOKIE}=${cookie}; Max-Age=${maxAgeSeconds}; ${attributes(secure)}`,
    clearCookie: (secure) => `${SESSION_COOKIE}=; Max-Age=0; ${attributes(secure)}`,
  };
}

/** Compares two strings in time that depends on their length only. */
export function sameText(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return difference === 0;
}
