import { randomBytes } from 'node:crypto';
import { hashApiKey } from './api-key-secret';

/** The console's session id: HttpOnly, so scripts (an injected one included) never see it. */
export const SESSION_COOKIE = 'herald_console_session';
/** The CSRF token, readable by the console's own script, which echoes it in CSRF_HEADER (double submit). */
export const CSRF_COOKIE = 'herald_console_csrf';
export const CSRF_HEADER = 'x-herald-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 256 random bits, URL-safe: a link token, a session id or a CSRF token. Stored only as hashApiKey(token). */
export function newPortalToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The value of cookie `name` in a Cookie header, if present. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * A cookie-authenticated request that changes something must echo the CSRF token in a header. Another
 * site can make the browser send the cookies, but cannot read the token to put it in the header.
 */
export function csrfSatisfied(method: string, header: string | string[] | undefined, csrfHash: string | null): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  return typeof header === 'string' && header.length > 0 && csrfHash !== null && hashApiKey(header) === csrfHash;
}

/** Set-Cookie values that remove both console cookies (sign out). */
export function clearedSessionCookies(secure: boolean): string[] {
  return sessionCookies('', '', new Date(0), secure);
}

/** Set-Cookie values for a new console session: both cookies end with the session. */
export function sessionCookies(sessionToken: string, csrfToken: string, expiresAt: Date, secure: boolean): string[] {
  const attributes = `Path=/; Expires=${expiresAt.toUTCString()}; SameSite=Strict${secure ? '; Secure' : ''}`;
  return [`${SESSION_COOKIE}=${sessionToken}; ${attributes}; HttpOnly`, `${CSRF_COOKIE}=${csrfToken}; ${attributes}`];
}
