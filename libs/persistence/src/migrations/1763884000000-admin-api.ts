import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys, idempotency records and rate-limit counters for the admin API; indexes for its lists. */
export class AdminApi1763884000000 implements MigrationInterface {
  name = 'AdminApi1763884000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        org_id text NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        name text NOT NULL DEFAULT '',
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        permissions text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_org_created ON api_keys (org_id, created_at, id)`);
    await q.query(`
      CREATE TABLE idempotency_records (
        org_id text NOT NULL,
        key text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        request_hash text NOT NULL,
        status_code integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (org_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_records_expires ON idempotency_records (expires_at)`);
    await q.query(`
      CREATE TABLE rate_limit_counters (
        bucket text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (bucket, window_start)
      )`);
    // Keyset pages walk (created_at, id) within an org or a destination.
    await q.query(`CREATE INDEX events_org_created ON events (org_id, created_at, id)`);
    await q.query(`CREATE INDEX webhooks_org_created ON webhooks (org_id, created_at, id)`);
    await q.query(`CREATE INDEX email_channels_org_created ON email_channels (org_id, created_at, id)`);
    await q.query(`CREATE INDEX deliveries_destination_created_id ON deliveries (destination_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['deliveries_destination_created_id', 'email_channels_org_created', 'webhooks_org_created', 'events_org_created']) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    for (const table of ['rate_limit_counters', 'idempotency_records', 'api_keys']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
