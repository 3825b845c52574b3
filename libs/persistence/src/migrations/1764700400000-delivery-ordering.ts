import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order per key (issue 13): a webhook's `ordering` (key, endpoint or none) and `max_in_flight`, and the effective
 * ordering key of each stored event, so a replayed delivery keeps its key. Existing webhooks get `key` ordering.
 */
export class DeliveryOrdering1764700400000 implements MigrationInterface {
  name = 'DeliveryOrdering1764700400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhooks ADD COLUMN ordering text NOT NULL DEFAULT 'key' CHECK (ordering IN ('key', 'endpoint', 'none'))`);
    await q.query(`ALTER TABLE webhooks ADD COLUMN max_in_flight integer NOT NULL DEFAULT 16 CHECK (max_in_flight BETWEEN 1 AND 64)`);
    await q.query(`ALTER TABLE events ADD COLUMN ordering_key text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP COLUMN ordering_key`);
    await q.query(`ALTER TABLE webhooks DROP COLUMN max_in_flight`);
    await q.query(`ALTER TABLE webhooks DROP COLUMN ordering`);
  }
}
