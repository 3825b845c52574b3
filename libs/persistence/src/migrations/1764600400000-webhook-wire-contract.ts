import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook's own wire contract: header names, static headers (secret values encrypted), a payload
 * template, and for the incident formats the integration key (encrypted) and dedup key expression.
 */
export class WebhookWireContract1764600400000 implements MigrationInterface {
  name = 'WebhookWireContract1764600400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhooks
        ADD COLUMN signature_header text NULL,
        ADD COLUMN timestamp_header text NULL,
        ADD COLUMN event_header text NULL,
        ADD COLUMN static_headers jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN payload_template text NULL,
        ADD COLUMN integration_key text NULL,
        ADD COLUMN dedup_key text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhooks
        DROP COLUMN signature_header, DROP COLUMN timestamp_header, DROP COLUMN event_header, DROP COLUMN static_headers,
        DROP COLUMN payload_template, DROP COLUMN integration_key, DROP COLUMN dedup_key`);
  }
}
