import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console access without API keys: a one-time link (stored as its hash) that is exchanged, once, for a
 * session (stored as its hash) with its own expiry and CSRF token.
 */
export class PortalSessions1764600300000 implements MigrationInterface {
  name = 'PortalSessions1764600300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE portal_sessions (
        id text PRIMARY KEY,
        org_id text NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'viewer')),
        link_hash text NOT NULL UNIQUE,
        link_expires_at timestamptz NOT NULL,
        session_hash text UNIQUE,
        csrf_hash text,
        session_expires_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX portal_sessions_expiry ON portal_sessions (link_expires_at, session_expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE portal_sessions`);
  }
}
