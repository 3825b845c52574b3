import { loadConfig } from '@herald/config';
import type { NewPortalLink, OpenedSession, PortalSessionEntity, PortalSessionRepository } from '@herald/persistence';
import { hashApiKey } from '../auth/api-key-secret';
import { PortalSessionsService } from './portal-sessions.service';

/** Keeps links and sessions by hash, as the table does. */
class FakeSessions {
  readonly links: NewPortalLink[] = [];
  readonly opened = new Map<string, OpenedSession>();

  async createLink(link: NewPortalLink) {
    this.links.push(link);
    return link;
  }

  async open(linkHash: string, session: OpenedSession) {
    const link = this.links.find((l) => l.linkHash === linkHash);
    if (!link || this.opened.has(link.id) || link.linkExpiresAt.getTime() <= Date.now()) return null;
    this.opened.set(link.id, session);
    return { ...link, ...session } as unknown as PortalSessionEntity;
  }

  async findActiveSession(sessionHash: string) {
    const entry = [...this.opened.entries()].find(([, s]) => s.sessionHash === sessionHash);
    return entry ? ({ id: entry[0], ...entry[1] } as unknown as PortalSessionEntity) : null;
  }
}

describe('portal sessions', () => {
  const config = loadConfig({ HERALD_CONSOLE_URL: 'https://notify.example.com/herald/console/', HERALD_PORTAL_LINK_TTL: '2m', HERALD_PORTAL_SESSION_TTL: '1h' });
  let sessions: FakeSessions;
  let service: PortalSessionsService;

  beforeEach(() => {
    sessions = new FakeSessions();
    service = new PortalSessionsService(sessions as unknown as PortalSessionRepository, config);
  });

  const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

  it('links to the configured console and stores only the hash of the token', async () => {
    const before = Date.now();
    const link = await service.createLink('acme', 'viewer', 'key_1');
    expect(link.url).toMatch(/^https:\/\/notify\.example\.com\/herald\/console\/session\?token=[A-Za-z0-9_-]{43}$/);
    const [stored] = sessions.links;
    expect(stored).toMatchObject({ orgId: 'acme', role: 'viewer', createdBy: 'key_1', linkHash: hashApiKey(tokenOf(link.url)), id: expect.stringMatching(/^ps_/) });
    expect(JSON.stringify(stored)).not.toContain(tokenOf(link.url));
    expect(link.expiresAt.getTime() - before).toBeGreaterThanOrEqual(120_000);
    expect(link.expiresAt.getTime() - before).toBeLessThan(121_000);
    const short = await service.createLink('acme', 'admin', 'cli', 30);
    expect(short.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(30_000);
  });

  it('opens a link once into a session whose id and CSRF token are stored hashed and last the session TTL', async () => {
    const link = await service.createLink('acme', 'admin', 'cli');
    const opened = (await service.open(tokenOf(link.url)))!;
    expect(opened.sessionToken).not.toBe(opened.csrfToken);
    const stored = sessions.opened.get(sessions.links[0].id)!;
    expect(stored).toEqual({ sessionHash: hashApiKey(opened.sessionToken), csrfHash: hashApiKey(opened.csrfToken), sessionExpiresAt: expect.any(Date) });
    expect(stored.sessionExpiresAt.getTime() - Date.now()).toBeGreaterThan(3_590_000);
    expect(await service.open(tokenOf(link.url))).toBeNull();
    expect(await service.open('made-up')).toBeNull();
  });

  it('finds the session a Cookie header carries, and nothing without one', async () => {
    const link = await service.createLink('acme', 'viewer', 'cli');
    const { sessionToken } = (await service.open(tokenOf(link.url)))!;
    expect(await service.fromCookies(`a=b; herald_console_session=${sessionToken}`)).toMatchObject({ id: sessions.links[0].id });
    expect(await service.fromCookies('herald_console_session=unknown')).toBeNull();
    expect(await service.fromCookies(undefined)).toBeNull();
  });
});
