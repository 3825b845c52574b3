import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A webhook's delivery rate limit: at most this many requests per second to its endpoint; null is unlimited. */
export class WebhookRateLimit1763910000000 implements MigrationInterface {
  name = 'WebhookRateLimit1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhooks ADD COLUMN rate_limit integer NULL CHECK (rate_limit > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhooks DROP COLUMN rate_limit`);
  }
}
