import type { MigrationInterface, QueryRunner } from 'typeorm';

const DESTINATION_TABLES = ['webhooks', 'email_channels'];
const ROUTING_COLUMNS = 'org_id, event_types, project_ids, enabled, deleted_at';

/**
 * A content filter per webhook and email channel (null: none), as `json` so it reads back as written (key order kept:
 * the declarative config compares it as text). Routing matches on it, so a change to it bumps
 * the org's subscriptions version like the other routing columns (the triggers list the columns they watch).
 */
export class ContentFilters1764700100000 implements MigrationInterface {
  name = 'ContentFilters1764700100000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of DESTINATION_TABLES) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN filter json NULL`);
      await this.watch(q, table, `${ROUTING_COLUMNS}, filter`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of DESTINATION_TABLES) {
      await this.watch(q, table, ROUTING_COLUMNS);
      await q.query(`ALTER TABLE ${table} DROP COLUMN filter`);
    }
  }

  private async watch(q: QueryRunner, table: string, columns: string): Promise<void> {
    await q.query(`DROP TRIGGER ${table}_subscriptions_version ON ${table}`);
    await q.query(`
      CREATE TRIGGER ${table}_subscriptions_version AFTER INSERT OR DELETE OR UPDATE OF ${columns} ON ${table}
      FOR EACH ROW EXECUTE FUNCTION herald_bump_subscriptions_version()`);
  }
}
