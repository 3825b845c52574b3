import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Partial indexes so the paused-webhook and held-delivery gauges, read at every scrape, stay cheap on large tables. */
export class OperationsIndexes1763900000000 implements MigrationInterface {
  name = 'OperationsIndexes1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deliveries_held ON deliveries (destination_id) WHERE status = 'held'`);
    await q.query(`CREATE INDEX webhooks_paused ON webhooks (id) WHERE paused_at IS NOT NULL AND deleted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhooks_paused`);
    await q.query(`DROP INDEX deliveries_held`);
  }
}
