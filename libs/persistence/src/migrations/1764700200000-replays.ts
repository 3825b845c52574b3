import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replays: a destination's deliveries sent again since a point in time, at a capped rate. The selection is fixed
 * when the replay is created (`replay_items`, in event order); `position` is the durable cursor into it.
 */
export class Replays1764700200000 implements MigrationInterface {
  name = 'Replays1764700200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE replays (
        id text PRIMARY KEY,
        org_id text NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        destination_kind text NOT NULL CHECK (destination_kind IN ('webhook', 'email')),
        destination_id text NOT NULL,
        selection text NOT NULL CHECK (selection IN ('failed', 'all')),
        since timestamptz NOT NULL,
        until timestamptz NOT NULL,
        rate integer NOT NULL CHECK (rate > 0),
        state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'waiting', 'completed', 'cancelled')),
        reason text,
        total integer NOT NULL,
        position integer NOT NULL DEFAULT 0,
        sent integer NOT NULL DEFAULT 0,
        next_send_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX replays_destination ON replays (destination_id, created_at)`);
    // One replay at a time per destination, so its cap is the endpoint's.
    await q.query(`CREATE UNIQUE INDEX replays_one_active ON replays (destination_id) WHERE state IN ('running', 'waiting')`);
    await q.query(`
      CREATE TABLE replay_items (
        replay_id text NOT NULL REFERENCES replays(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        event_id text NOT NULL,
        delivery_id text NOT NULL,
        attempts_before integer,
        PRIMARY KEY (replay_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE replay_items`);
    await q.query(`DROP TABLE replays`);
  }
}
