import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EmailChannels1763870000000 implements MigrationInterface {
  name = 'EmailChannels1763870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE email_channels (
        id text PRIMARY KEY,
        org_id text NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        name text NOT NULL DEFAULT '',
        recipients text[] NOT NULL,
        event_types text[] NOT NULL DEFAULT '{}',
        project_ids text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        smtp_host text,
        smtp_port integer,
        smtp_security text,
        smtp_username text,
        smtp_password text,
        smtp_from text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX email_channels_org ON email_channels (org_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS email_channels`);
  }
}
