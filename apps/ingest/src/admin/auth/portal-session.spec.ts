import { hashApiKey } from './api-key-secret';
import { clearedSessionCookies, CSRF_COOKIE, csrfSatisfied, newPortalToken, readCookie, SESSION_COOKIE, sessionCookies } from './portal-session';

describe('console session cookies', () => {
  it('are 256-bit URL-safe tokens, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 50 }, newPortalToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; herald_console_session=abc; b=2', SESSION_COOKIE)).toBe('abc');
    expect(readCookie('xherald_console_session=abc', SESSION_COOKIE)).toBeNull();
    expect(readCookie(undefined, SESSION_COOKIE)).toBeNull();
    expect(readCookie('herald_console_csrf=a%2Bb', CSRF_COOKIE)).toBe('a+b');
  });

  it('sets the session HttpOnly and both SameSite=Strict, Secure only over https', () => {
    const expires = new Date('2026-12-01T20:00:00Z');
    const [session, csrf] = sessionCookies('s1', 'c1', expires, false);
    expect(session).toBe('herald_console_session=s1; Path=/; Expires=Tue, 01 Dec 2026 20:00:00 GMT; SameSite=Strict; HttpOnly');
    expect(csrf).toBe('herald_console_csrf=c1; Path=/; Expires=Tue, 01 Dec 2026 20:00:00 GMT; SameSite=Strict');
    expect(sessionCookies('s1', 'c1', expires, true).every((cookie) => cookie.includes('; Secure'))).toBe(true);
    expect(clearedSessionCookies(false)).toEqual([
      'herald_console_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Strict; HttpOnly',
      'herald_console_csrf=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Strict',
    ]);
  });

  it('lets reads through and asks mutations for the CSRF token of the session', () => {
    const hash = hashApiKey('token');
    expect(csrfSatisfied('GET', undefined, hash)).toBe(true);
    expect(csrfSatisfied('post', 'token', hash)).toBe(true);
    for (const header of [undefined, '', 'other', ['token']]) expect(csrfSatisfied('POST', header, hash)).toBe(false);
    expect(csrfSatisfied('DELETE', 'token', null)).toBe(false);
  });
});
