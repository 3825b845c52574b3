import { DataSource, type EntityManager } from 'typeorm';
import type { HeraldEvent } from '@herald/events';
import { keysetPage, type Page, type PageRequest } from '../paging/keyset';
import { ACTIVE_REPLAY_STATES, ReplayEntity, type ReplayState } from './replay.entity';

export type NewReplay = Pick<ReplayEntity, 'id' | 'orgId' | 'destinationKind' | 'destinationId' | 'selection' | 'since' | 'until' | 'rate'>;

/** For a backfill: the delivery id the destination has for this event, or null when it does not receive it. */
export type BackfillPick = (event: HeraldEvent) => string | null;

/** Outcomes of the deliveries a replay sent, read from the delivery log. */
export interface ReplayProgress {
  succeeded: number;
  failed: number;
}

/** Whether a replay's destination may be sent to now. */
export type DestinationStatus = 'active' | 'paused' | 'disabled' | 'deleted';

/** The item at a replay's cursor: its event (null once the event log no longer has it) and its delivery's attempts so far. */
export interface ReplayItem {
  seq: number;
  deliveryId: string;
  event: HeraldEvent | null;
  attemptsMade: number;
}

/** One replay, locked for one step of its runner; every change commits with the step. */
export interface ReplayStep {
  readonly replay: ReplayEntity;
  destination(): Promise<DestinationStatus>;
  nextItem(): Promise<ReplayItem | null>;
  /** The item went out: the cursor moves past it and the next may go at `nextSendAt`. */
  sent(item: ReplayItem, nextSendAt: Date): Promise<void>;
  /** The item's event is gone from the log: the cursor moves past it, nothing was sent. */
  skipped(item: ReplayItem): Promise<void>;
  setState(state: ReplayState, reason: string | null): Promise<void>;
}

export class ReplayInProgressError extends Error {
  override name = 'ReplayInProgressError';
}

const BACKFILL_PAGE = 1_000;
const ACTIVE = `state IN (${ACTIVE_REPLAY_STATES.map((s) => `'${s}'`).join(', ')})`;
const TABLE_OF_KIND = { webhook: 'webhooks', email: 'email_channels' } as const;

interface EventRow {
  org_id: string;
  id: string;
  type: string;
  project_id: string | null;
  occurred_at: Date;
  created_at: Date;
  data: Record<string, unknown>;
  ordering_key: string | null;
}

/** The event as routing sent it, its ordering key included, so a replayed delivery keeps its place in its key's line. */
function eventOf(row: EventRow): HeraldEvent {
  const event: HeraldEvent = { id: row.id, type: row.type, org_id: row.org_id, project_id: row.project_id, occurred_at: row.occurred_at.toISOString(), created_at: row.created_at.toISOString(), data: row.data };
  return row.ordering_key === null ? event : { ...event, ordering_key: row.ordering_key };
}

export class ReplayRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the replay with its selection fixed, in event order (created_at, id): the destination's failed deliveries,
   * or (`all`) every event in the range `pick` accepts. One transaction; a second active replay of the destination is
   * a ReplayInProgressError.
   */
  async create(replay: NewReplay, pick: BackfillPick): Promise<ReplayEntity> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(ReplayEntity).insert({ ...replay, total: 0 });
        const total = replay.selection === 'failed' ? await selectFailed(manager, replay) : await selectBackfill(manager, replay, pick);
        await manager.getRepository(ReplayEntity).update(replay.id, { total });
        return manager.getRepository(ReplayEntity).findOneByOrFail({ id: replay.id });
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505' && String((error as { constraint?: string }).constraint) === 'replays_one_active') {
        throw new ReplayInProgressError(`a replay of ${replay.destinationId} is already running`);
      }
      throw error;
    }
  }

  findForDestination(orgId: string, destinationId: string, id: string): Promise<ReplayEntity | null> {
    return this.dataSource.getRepository(ReplayEntity).findOneBy({ orgId, destinationId, id });
  }

  /** Newest first. */
  listPage(orgId: string, destinationId: string, page: PageRequest): Promise<Page<ReplayEntity>> {
    const qb = this.dataSource.getRepository(ReplayEntity).createQueryBuilder('r').where('r.org_id = :orgId AND r.destination_id = :destinationId', { orgId, destinationId });
    return keysetPage(qb, 'r', { order: 'DESC', ...page });
  }

  /**
   * Outcomes of what each replay sent: a delivery counts once it has an attempt after the replay sent it and is
   * `succeeded` or `failed` (a retry still pending counts in neither).
   */
  async progress(ids: readonly string[]): Promise<Map<string, ReplayProgress>> {
    if (ids.length === 0) return new Map();
    const rows: { replay_id: string; succeeded: string; failed: string }[] = await this.dataSource.query(
      `SELECT i.replay_id, count(*) FILTER (WHERE d.status = 'succeeded') AS succeeded, count(*) FILTER (WHERE d.status = 'failed') AS failed
       FROM replay_items i JOIN deliveries d ON d.id = i.delivery_id
       WHERE i.replay_id = ANY($1) AND i.attempts_before IS NOT NULL AND d.attempts > i.attempts_before
       GROUP BY i.replay_id`,
      [ids],
    );
    return new Map(ids.map((id) => {
      const row = rows.find((r) => r.replay_id === id);
      return [id, { succeeded: Number(row?.succeeded ?? 0), failed: Number(row?.failed ?? 0) }];
    }));
  }

  /**
   * Cancels an active replay. The row lock waits for a step in progress to commit, so once this returns its runner
   * sends nothing more. Returns the replay as it is now (unchanged when it had already ended), null if unknown.
   */
  async cancel(orgId: string, destinationId: string, id: string): Promise<ReplayEntity | null> {
    await this.dataSource.query(`UPDATE replays SET state = 'cancelled', reason = 'cancelled by request', finished_at = now(), updated_at = now() WHERE id = $1 AND org_id = $2 AND destination_id = $3 AND ${ACTIVE}`, [
      id,
      orgId,
      destinationId,
    ]);
    return this.findForDestination(orgId, destinationId, id);
  }

  async activeIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM replays WHERE ${ACTIVE} ORDER BY created_at`);
    return rows.map((row) => row.id);
  }

  /**
   * Runs one step of an active replay with its row locked (FOR UPDATE SKIP LOCKED: a replay is stepped by one
   * runner at a time, whichever replica); everything the step changes commits together. 'busy' when another runner
   * holds it, 'inactive' when it has ended or is gone.
   */
  async step<T>(id: string, run: (step: ReplayStep) => Promise<T>): Promise<T | 'busy' | 'inactive'> {
    return this.dataSource.transaction(async (manager) => {
      const [locked]: { id: string }[] = await manager.query('SELECT id FROM replays WHERE id = $1 FOR UPDATE SKIP LOCKED', [id]);
      if (!locked) return (await manager.getRepository(ReplayEntity).existsBy({ id })) ? 'busy' : 'inactive';
      const replay = await manager.getRepository(ReplayEntity).findOneByOrFail({ id });
      if (!ACTIVE_REPLAY_STATES.includes(replay.state)) return 'inactive';
      return run(lockedStep(manager, replay));
    });
  }
}

function lockedStep(manager: EntityManager, replay: ReplayEntity): ReplayStep {
  const replays = manager.getRepository(ReplayEntity);
  return {
    replay,
    async destination() {
      const table = TABLE_OF_KIND[replay.destinationKind];
      const paused = replay.destinationKind === 'webhook' ? 'paused_at IS NOT NULL' : 'false';
      const [row]: { deleted: boolean; enabled: boolean; paused: boolean }[] = await manager.query(
        `SELECT deleted_at IS NOT NULL AS deleted, enabled, ${paused} AS paused FROM ${table} WHERE id = $1`,
        [replay.destinationId],
      );
      if (!row || row.deleted) return 'deleted';
      if (row.paused) return 'paused';
      return row.enabled ? 'active' : 'disabled';
    },
    async nextItem() {
      const [row]: (EventRow & { seq: number; delivery_id: string; event_id: string; attempts: number | null; found: boolean })[] = await manager.query(
        `SELECT i.seq, i.delivery_id, e.id IS NOT NULL AS found, e.org_id, e.id, e.type, e.project_id, e.occurred_at, e.created_at, e.data, e.ordering_key, d.attempts
         FROM replay_items i
         LEFT JOIN events e ON e.org_id = $2 AND e.id = i.event_id
         LEFT JOIN deliveries d ON d.id = i.delivery_id
         WHERE i.replay_id = $1 AND i.seq = $3`,
        [replay.id, replay.orgId, replay.position],
      );
      if (!row) return null;
      return { seq: row.seq, deliveryId: row.delivery_id, event: row.found ? eventOf(row) : null, attemptsMade: row.attempts ?? 0 };
    },
    async sent(item, nextSendAt) {
      await manager.query('UPDATE replay_items SET attempts_before = $3 WHERE replay_id = $1 AND seq = $2', [replay.id, item.seq, item.attemptsMade]);
      await replays.update(replay.id, { position: item.seq + 1, sent: replay.sent + 1, nextSendAt, state: 'running', reason: null });
    },
    async skipped(item) {
      replay.position = item.seq + 1;
      await replays.update(replay.id, { position: replay.position });
    },
    async setState(state, reason) {
      const ended = state === 'completed' || state === 'cancelled';
      await replays.update(replay.id, { state, reason, ...(ended ? { finishedAt: new Date() } : {}) });
    },
  };
}

/** The destination's failed deliveries whose events are in the range, in event order. */
async function selectFailed(manager: EntityManager, replay: NewReplay): Promise<number> {
  const [{ count }]: { count: number }[] = await manager.query(
    `WITH inserted AS (
       INSERT INTO replay_items (replay_id, seq, event_id, delivery_id)
       SELECT $1, (row_number() OVER (ORDER BY e.created_at, e.id) - 1)::int, e.id, d.id
       FROM deliveries d JOIN events e ON e.org_id = d.org_id AND e.id = d.event_id
       WHERE d.org_id = $2 AND d.destination_id = $3 AND d.status = 'failed' AND e.created_at >= $4 AND e.created_at < $5
       RETURNING 1)
     SELECT count(*)::int AS count FROM inserted`,
    [replay.id, replay.orgId, replay.destinationId, replay.since, replay.until],
  );
  return count;
}

/** Every event of the range the destination receives (`pick`), a page at a time, in event order. */
async function selectBackfill(manager: EntityManager, replay: NewReplay, pick: BackfillPick): Promise<number> {
  let total = 0;
  let after: { at: string; id: string } = { at: '-infinity', id: '' };
  for (;;) {
    const rows: (EventRow & { page_at: string })[] = await manager.query(
      `SELECT org_id, id, type, project_id, occurred_at, created_at, data, ordering_key, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS page_at
       FROM events WHERE org_id = $1 AND created_at >= $2 AND created_at < $3 AND (created_at, id) > (CAST($4 AS timestamptz), $5)
       ORDER BY created_at, id LIMIT ${BACKFILL_PAGE}`,
      [replay.orgId, replay.since, replay.until, after.at, after.id],
    );
    const picked = rows.flatMap((row) => {
      const deliveryId = pick(eventOf(row));
      return deliveryId ? [{ eventId: row.id, deliveryId }] : [];
    });
    if (picked.length > 0) {
      await manager.query(
        `INSERT INTO replay_items (replay_id, seq, event_id, delivery_id)
         SELECT $1, $2 + n - 1, event_id, delivery_id FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t(event_id, delivery_id, n)`,
        [replay.id, total, picked.map((p) => p.eventId), picked.map((p) => p.deliveryId)],
      );
      total += picked.length;
    }
    if (rows.length < BACKFILL_PAGE) return total;
    const last = rows[rows.length - 1];
    after = { at: last.page_at, id: last.id };
  }
}
