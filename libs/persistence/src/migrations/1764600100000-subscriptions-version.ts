import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows decide where an org's events go, and the columns of theirs that matter to routing. */
const ROUTING_TABLES = [
  { table: 'webhooks', columns: 'org_id, event_types, project_ids, enabled, deleted_at' },
  { table: 'email_channels', columns: 'org_id, event_types, project_ids, enabled, deleted_at' },
  { table: 'org_event_types', columns: 'org_id, enabled' },
];

/**
 * orgs.subscriptions_version: bumped by a trigger in the same transaction as any change to an org's webhooks,
 * email channels or event-type toggles that routing depends on. Routing compares it, read after an event
 * arrives, with the version its cached subscriptions were loaded at, so once an API change has committed,
 * every event accepted afterwards is matched against it (read-your-writes across replicas).
 */
export class SubscriptionsVersion1764600100000 implements MigrationInterface {
  name = 'SubscriptionsVersion1764600100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orgs ADD COLUMN subscriptions_version bigint NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE FUNCTION herald_bump_subscriptions_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          UPDATE orgs SET subscriptions_version = subscriptions_version + 1 WHERE id = OLD.org_id;
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.org_id IS DISTINCT FROM OLD.org_id) THEN
          UPDATE orgs SET subscriptions_version = subscriptions_version + 1 WHERE id = NEW.org_id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const { table, columns } of ROUTING_TABLES) {
      await q.query(`
        CREATE TRIGGER ${table}_subscriptions_version AFTER INSERT OR DELETE OR UPDATE OF ${columns} ON ${table}
        FOR EACH ROW EXECUTE FUNCTION herald_bump_subscriptions_version()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of ROUTING_TABLES) await q.query(`DROP TRIGGER ${table}_subscriptions_version ON ${table}`);
    await q.query(`DROP FUNCTION herald_bump_subscriptions_version()`);
    await q.query(`ALTER TABLE orgs DROP COLUMN subscriptions_version`);
  }
}
