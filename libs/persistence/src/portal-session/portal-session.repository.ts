import type { DataSource, Repository } from 'typeorm';
import { PortalSessionEntity } from './portal-session.entity';

export type NewPortalLink = Pick<PortalSessionEntity, 'id' | 'orgId' | 'role' | 'linkHash' | 'linkExpiresAt' | 'createdBy'>;

export interface OpenedSession {
  sessionHash: string;
  csrfHash: string;
  sessionExpiresAt: Date;
}

/** One-time console links and the sessions they become. Expiry is judged by the database clock. */
export class PortalSessionRepository {
  private readonly repo: Repository<PortalSessionEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(PortalSessionEntity);
  }

  createLink(link: NewPortalLink): Promise<PortalSessionEntity> {
    return this.repo.save(this.repo.create(link));
  }

  /**
   * Turns the unexpired, never opened link with this hash into a session, atomically, so that two
   * requests racing with one link cannot both win. Null when the link is unknown, used or expired.
   */
  async open(linkHash: string, session: OpenedSession): Promise<PortalSessionEntity | null> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE portal_sessions SET session_hash = $2, csrf_hash = $3, session_expires_at = $4
       WHERE link_hash = $1 AND session_hash IS NULL AND link_expires_at > now()
       RETURNING id`,
      [linkHash, session.sessionHash, session.csrfHash, session.sessionExpiresAt],
    );
    return rows.length ? this.repo.findOneBy({ id: rows[0].id }) : null;
  }

  /** The live session with this hash. */
  findActiveSession(sessionHash: string): Promise<PortalSessionEntity | null> {
    return this.repo.createQueryBuilder('s').where('s.session_hash = :sessionHash AND s.session_expires_at > now()', { sessionHash }).getOne();
  }

  /** Ends a session now (sign out). */
  async end(id: string): Promise<void> {
    await this.repo.update({ id }, { sessionExpiresAt: () => 'now()' });
  }

  /** Drops links that expired unused and sessions that ended more than a day ago. */
  async deleteExpired(): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM portal_sessions
       WHERE (session_hash IS NULL AND link_expires_at < now() - interval '1 day')
          OR (session_expires_at < now() - interval '1 day')`,
    );
    return count;
  }
}
