import { Inject, Injectable } from '@nestjs/common';
import { ulid } from 'ulid';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { parseDuration } from '@herald/kafka';
import { PortalSessionRepository, type PortalSessionEntity } from '@herald/persistence';
import { hashApiKey } from '../auth/api-key-secret';
import { type Role } from '../auth/permissions';
import { newPortalToken, readCookie, SESSION_COOKIE } from '../auth/portal-session';

export interface PortalLink {
  url: string;
  expiresAt: Date;
}

export interface OpenedPortalSession {
  session: PortalSessionEntity;
  sessionToken: string;
  csrfToken: string;
}

/**
 * Console access without API keys in the browser: one-time links scoped to an org and a role, each
 * exchanged once for a session. Only hashes of the link, the session id and the CSRF token are stored.
 */
@Injectable()
export class PortalSessionsService {
  private readonly linkTtlMs: number;
  private readonly sessionTtlMs: number;
  private readonly consoleUrl: string;

  constructor(
    private readonly sessions: PortalSessionRepository,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.linkTtlMs = parseDuration(config.HERALD_PORTAL_LINK_TTL);
    this.sessionTtlMs = parseDuration(config.HERALD_PORTAL_SESSION_TTL);
    this.consoleUrl = config.HERALD_CONSOLE_URL.replace(/\/+$/, '');
  }

  /** A link into the console for `orgId` as `role`; `createdBy` is the issuing key's id (or `cli`). */
  async createLink(orgId: string, role: Role, createdBy: string, ttlSeconds?: number): Promise<PortalLink> {
    const token = newPortalToken();
    const expiresAt = new Date(Date.now() + (ttlSeconds !== undefined ? ttlSeconds * 1000 : this.linkTtlMs));
    await this.sessions.createLink({ id: `ps_${ulid()}`, orgId, role, linkHash: hashApiKey(token), linkExpiresAt: expiresAt, createdBy });
    return { url: `${this.consoleUrl}/session?token=${token}`, expiresAt };
  }

  /** Exchanges a link token for a new session; null when the link is unknown, already used or expired. */
  async open(linkToken: string): Promise<OpenedPortalSession | null> {
    const sessionToken = newPortalToken();
    const csrfToken = newPortalToken();
    const session = await this.sessions.open(hashApiKey(linkToken), {
      sessionHash: hashApiKey(sessionToken),
      csrfHash: hashApiKey(csrfToken),
      sessionExpiresAt: new Date(Date.now() + this.sessionTtlMs),
    });
    return session && { session, sessionToken, csrfToken };
  }

  /** Ends a session now (sign out). */
  end(session: PortalSessionEntity): Promise<void> {
    return this.sessions.end(session.id);
  }

  /** The live session a request's Cookie header carries, if any. */
  async fromCookies(cookieHeader: string | undefined): Promise<PortalSessionEntity | null> {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    return token ? this.sessions.findActiveSession(hashApiKey(token)) : null;
  }
}
