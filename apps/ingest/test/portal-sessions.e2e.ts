import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAdminApi, type AdminApi } from './admin-api';

/** Console access through portal links: one-time exchange for cookies, roles, CSRF, expiry, and the console's own headers. */
describe('admin API: portal sessions', () => {
  let api: AdminApi;
  const consoleDir = mkdtempSync(path.join(tmpdir(), 'herald-console-'));

  beforeAll(async () => {
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/console/assets/app.js"></script>');
    api = await startAdminApi({ HERALD_CONSOLE_DIR: consoleDir, HERALD_CONSOLE_URL: 'http://console.example.test/console', HERALD_CONSOLE_NAME: 'Acme Alerts', HERALD_CONSOLE_ACCENT: '#ff6600' });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  /** Opens a link against the test server (the link names the public console URL) and returns the cookies it set. */
  async function open(url: string): Promise<{ status: number; location: string | null; cookies: string[] }> {
    const response = await fetch(`${api.url}/console/session${new URL(url).search}`, { redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location'), cookies: response.headers.getSetCookie() };
  }

  async function session(role: 'admin' | 'viewer', key: string): Promise<{ cookie: string; csrf: string }> {
    const { status, body } = await api.call('POST', '/api/v1/portal-sessions', { key, body: { role } });
    expect(status).toBe(201);
    const { cookies } = await open(body.url);
    const pairs = cookies.map((c) => c.split(';')[0]);
    return { cookie: pairs.join('; '), csrf: pairs.find((p) => p.startsWith('herald_console_csrf='))!.split('=')[1] };
  }

  it('issues a one-time link that opens a session once, with HttpOnly SameSite=Strict cookies', async () => {
    const { orgId, key } = await api.org('admin');
    const { status, body } = await api.call('POST', '/api/v1/portal-sessions', { key, body: { role: 'viewer' } });
    expect(status).toBe(201);
    expect(body).toMatchObject({ org_id: orgId, role: 'viewer', url: expect.stringMatching(/^http:\/\/console\.example\.test\/console\/session\?token=[A-Za-z0-9_-]{43}$/) });
    const ttl = Date.parse(body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);

    const first = await open(body.url);
    expect([first.status, first.location]).toEqual([303, './']);
    expect(first.cookies).toHaveLength(2);
    expect(first.cookies[0]).toMatch(/^herald_console_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.+; SameSite=Strict; HttpOnly$/);
    expect(first.cookies[1]).toMatch(/^herald_console_csrf=[A-Za-z0-9_-]{43}; Path=\/; Expires=.+; SameSite=Strict$/);
    expect(first.cookies.join()).not.toContain('Secure'); // plain http here

    const again = await open(body.url);
    expect([again.status, again.cookies]).toEqual([410, []]);
    expect((await open('http://x/console/session?token=nope')).status).toBe(410);
    expect((await open('http://x/console/session')).status).toBe(410);
  });

  it('refuses a link that expired before it was opened, and a session past its end', async () => {
    const { key } = await api.org('admin');
    const { body } = await api.call('POST', '/api/v1/portal-sessions', { key, body: { role: 'admin', expires_in_seconds: 60 } });
    await api.dataSource.query(`UPDATE portal_sessions SET link_expires_at = now() - interval '1 second' WHERE link_expires_at > now() - interval '1 minute' AND session_hash IS NULL`);
    expect((await open(body.url)).status).toBe(410);

    const { cookie } = await session('admin', key);
    expect((await api.call('GET', '/api/v1/webhooks', { headers: { cookie } })).status).toBe(200);
    await api.dataSource.query(`UPDATE portal_sessions SET session_expires_at = now() - interval '1 second' WHERE session_expires_at > now()`);
    const ended = await api.call('GET', '/api/v1/webhooks', { headers: { cookie } });
    expect([ended.status, ended.body.detail]).toEqual([401, 'the console session ended or is unknown: open a new console link']);
  });

  it('lets an admin session change things only with the CSRF token, and a viewer session change nothing', async () => {
    const { orgId, key } = await api.org('admin');
    const admin = await session('admin', key);
    const info = await fetch(`${api.url}/console/api/session`, { headers: { cookie: admin.cookie } });
    expect(await info.json()).toMatchObject({ org_id: orgId, role: 'admin', permissions: expect.arrayContaining(['webhooks:write', 'api-keys:write']), branding: { name: 'Acme Alerts', accent: '#ff6600' } });
    expect((await fetch(`${api.url}/console/api/session`)).status).toBe(401);

    const hook = { url: 'https://93.184.215.14/hook' };
    const withoutToken = await api.call('POST', '/api/v1/webhooks', { headers: { cookie: admin.cookie }, body: hook });
    expect([withoutToken.status, withoutToken.body.type]).toEqual([403, 'urn:herald:problem:csrf']);
    const wrongToken = await api.call('POST', '/api/v1/webhooks', { headers: { cookie: admin.cookie, 'x-herald-csrf': 'guess' }, body: hook });
    expect(wrongToken.status).toBe(403);
    const created = await api.call('POST', '/api/v1/webhooks', { headers: { cookie: admin.cookie, 'x-herald-csrf': admin.csrf }, body: hook });
    expect(created.status).toBe(201);

    const viewer = await session('viewer', key);
    expect((await api.call('GET', `/api/v1/webhooks/${created.body.id}`, { headers: { cookie: viewer.cookie } })).status).toBe(200);
    for (const [method, path] of [['POST', '/api/v1/webhooks'], ['DELETE', `/api/v1/webhooks/${created.body.id}`], ['POST', '/api/v1/portal-sessions'], ['GET', '/api/v1/api-keys']]) {
      const refused = await api.call(method, path, { headers: { cookie: viewer.cookie, 'x-herald-csrf': viewer.csrf }, body: method === 'POST' ? { ...hook, role: 'viewer' } : undefined });
      expect([method, path, refused.status]).toEqual([method, path, 403]);
    }
    // Signing out needs the CSRF token too, and ends the session on the server.
    expect((await fetch(`${api.url}/console/api/session`, { method: 'DELETE', headers: { cookie: admin.cookie } })).status).toBe(403);
    const signedOut = await fetch(`${api.url}/console/api/session`, { method: 'DELETE', headers: { cookie: admin.cookie, 'x-herald-csrf': admin.csrf } });
    expect([signedOut.status, signedOut.headers.getSetCookie().every((c) => c.includes('Expires=Thu, 01 Jan 1970'))]).toEqual([204, true]);
    expect((await api.call('GET', '/api/v1/webhooks', { headers: { cookie: admin.cookie } })).status).toBe(401);

    // Another org's session sees nothing of this one.
    const other = await api.org('admin');
    const stranger = await session('admin', other.key);
    expect((await api.call('GET', `/api/v1/webhooks/${created.body.id}`, { headers: { cookie: stranger.cookie } })).status).toBe(404);
  });

  it('lets only a key with every permission of the role hand out links', async () => {
    const { orgId } = await api.org('admin');
    const viewerKey = await api.key(orgId, 'viewer');
    const refused = await api.call('POST', '/api/v1/portal-sessions', { key: viewerKey, body: { role: 'viewer' } });
    expect(refused.status).toBe(403);
    const { key } = await api.org('admin');
    const invalid = await api.call('POST', '/api/v1/portal-sessions', { key, body: { role: 'owner', expires_in_seconds: 5 } });
    expect([invalid.status, invalid.body.field]).toEqual([422, 'role']);
  });

  it('serves the console with a CSP that forbids inline scripts, and index.html for its own routes', async () => {
    for (const path of ['/console/', '/console/webhooks/wh_1']) {
      const response = await fetch(`${api.url}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      expect(await response.text()).toContain('<title>console</title>');
      const policy = response.headers.get('content-security-policy')!;
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).toContain("frame-ancestors 'self'");
    }
    const missing = await fetch(`${api.url}/console/assets/missing.js`);
    expect([missing.status, missing.headers.get('content-security-policy')]).toEqual([404, expect.stringContaining("default-src 'self'")]);
    const refused = await fetch(`${api.url}/console/session?token=x`);
    expect(refused.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
