import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763860000000 implements MigrationInterface {
  name = 'InitialSchema1763860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orgs (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE org_event_types (
        org_id text NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        type text NOT NULL,
        enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, type)
      )`);
    await q.query(`
      CREATE TABLE events (
        org_id text NOT NULL,
        id text NOT NULL,
        type text NOT NULL,
        project_id text,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        data jsonb NOT NULL,
        status text NOT NULL DEFAULT 'received',
        PRIMARY KEY (org_id, id)
      )`);
    await q.query(`CREATE INDEX events_org_type_created ON events (org_id, type, created_at)`);
    await q.query(`
      CREATE TABLE webhooks (
        id text PRIMARY KEY,
        org_id text NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        description text NOT NULL DEFAULT '',
        url text NOT NULL,
        format text NOT NULL DEFAULT 'raw',
        signing_scheme text NOT NULL DEFAULT 'standard',
        event_types text[] NOT NULL DEFAULT '{}',
        project_ids text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        paused_at timestamptz,
        retry_schedule text[] NOT NULL DEFAULT '{5s,30s,2m,10m,1h,6h}',
        timeout_ms integer,
        client_errors_final boolean NOT NULL DEFAULT false,
        pause_after_failures integer NOT NULL DEFAULT 10,
        consecutive_failures integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhooks_org ON webhooks (org_id)`);
    await q.query(`
      CREATE TABLE webhook_secrets (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        webhook_id text NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_secrets_webhook ON webhook_secrets (webhook_id)`);
    await q.query(`
      CREATE TABLE deliveries (
        id text PRIMARY KEY,
        org_id text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        destination_kind text NOT NULL,
        destination_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX deliveries_destination_created ON deliveries (destination_id, created_at)`);
    await q.query(`CREATE INDEX deliveries_org_status_created ON deliveries (org_id, status, created_at)`);
    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id text NOT NULL,
        attempt integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        status_code integer,
        latency_ms integer NOT NULL,
        response_body text,
        error text,
        succeeded boolean NOT NULL
      )`);
    await q.query(`CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt)`);
    await q.query(`CREATE INDEX delivery_attempts_attempted_at ON delivery_attempts (attempted_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['delivery_attempts', 'deliveries', 'webhook_secrets', 'webhooks', 'events', 'org_event_types', 'orgs']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
