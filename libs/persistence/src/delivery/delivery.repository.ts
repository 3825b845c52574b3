import { DataSource, type EntityManager } from 'typeorm';
import type { HeraldEvent } from '@herald/events';
import { EventLogEntity } from '../event-log/event-log.entity';
import { keysetPage, type Page, type PageRequest } from '../paging/keyset';
import { toEvent } from '../event-log/event-log.repository';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity';
import { DeliveryAttemptEntity } from './delivery-attempt.entity';
import { DeliveryLog } from './delivery-log';

export interface DeliveryRef {
  id: string;
  orgId: string;
  eventId: string;
  eventType: string;
  destinationKind: string;
  destinationId: string;
}

export interface AttemptRecord {
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
  succeeded: boolean;
}

/** A delivery with the event it carries: enough to rebuild its job. */
export interface StoredDelivery {
  delivery: DeliveryEntity;
  event: HeraldEvent;
}

/** Which deliveries a log page shows: always one org's, optionally narrowed. */
export interface DeliveryFilter {
  orgId: string;
  destinationId?: string;
  status?: DeliveryStatus;
  /** One type, or any of several names (a type and its aliases). */
  eventType?: string | readonly string[];
  /** created_at >= since */
  since?: Date;
  /** created_at < until */
  until?: Date;
}

export class UnknownWebhookError extends Error {
  override name = 'UnknownWebhookError';
}

export class DeliveryRepository {
  private readonly log: DeliveryLog;

  constructor(private readonly dataSource: DataSource) {
    this.log = new DeliveryLog(dataSource);
  }

  /** Writes what the log still holds (at shutdown). */
  flushLog(): Promise<void> {
    return this.log.flush();
  }

  /**
   * Records one attempt and the delivery's resulting status together; resolves once durable.
   * Concurrent calls are written in batches (DeliveryLog), so logging keeps up with sending.
   */
  recordAttempt(ref: DeliveryRef, status: DeliveryStatus, attempt: AttemptRecord, nextAttemptAt: Date | null): Promise<void> {
    return this.log.record({ ref, status, attempt, nextAttemptAt });
  }

  /** Whether this attempt of the delivery is in the log already. */
  async hasAttempt(deliveryId: string, attempt: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM delivery_attempts WHERE delivery_id = $1 AND attempt = $2 LIMIT 1', [deliveryId, attempt]);
    return rows.length > 0;
  }

  /** Deletes attempts older than `before`, a chunk at a time so no long lock is held. Returns how many. */
  async deleteAttemptsBefore(before: Date, chunk = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const [, count] = await this.dataSource.query(
        'DELETE FROM delivery_attempts WHERE id IN (SELECT id FROM delivery_attempts WHERE attempted_at < $1 LIMIT $2)',
        [before, chunk],
      );
      total += count;
      if (count < chunk) return total;
    }
  }

  /** Deliveries waiting for their paused webhook to be resumed. */
  async countHeld(): Promise<number> {
    const [row]: { count: string }[] = await this.dataSource.query(`SELECT count(*) FROM deliveries WHERE status = 'held'`);
    return Number(row.count);
  }

  /**
   * Stores the delivery as held if its webhook is paused, and says whether it did. The webhook
   * row is locked, so a concurrent resume either sees this held row or unpauses first.
   */
  async holdIfPaused(ref: DeliveryRef, attemptsMade: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [webhook] = await manager.query('SELECT paused_at FROM webhooks WHERE id = $1 FOR UPDATE', [ref.destinationId]);
      if (!webhook?.paused_at) return false;
      await upsertState(manager, ref, 'held', attemptsMade, null);
      return true;
    });
  }

  /** A delivery waiting for its endpoint's rate-limit slot: pending, due at the slot, nothing attempted for it. */
  async recordDeferred(ref: DeliveryRef, attemptsMade: number, slotAt: Date): Promise<void> {
    await upsertState(this.dataSource.manager, ref, 'pending', attemptsMade, slotAt);
  }

  /**
   * Unpauses a webhook and hands its held deliveries, oldest first, to `publish` inside one
   * transaction: if publishing fails nothing changes, and a hold racing with the resume is
   * either included or not held at all.
   */
  async resumeWebhook(webhookId: string, publish: (held: StoredDelivery[]) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [webhook] = await manager.query('SELECT id FROM webhooks WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [webhookId]);
      if (!webhook) throw new UnknownWebhookError(`no webhook ${webhookId}`);
      const held = await manager.getRepository(DeliveryEntity).find({ where: { destinationId: webhookId, status: 'held' }, order: { createdAt: 'ASC', id: 'ASC' } });
      const stored = await withEvents(manager, held);
      await publish(stored);
      if (stored.length) await manager.getRepository(DeliveryEntity).update(stored.map((s) => s.delivery.id), { status: 'pending' });
      await manager.query('UPDATE webhooks SET paused_at = NULL, consecutive_failures = 0, updated_at = now() WHERE id = $1', [webhookId]);
      return stored.length;
    });
  }

  /** A delivery and its event, for sending it again by hand. */
  async findWithEvent(id: string): Promise<StoredDelivery | null> {
    const delivery = await this.findById(id);
    if (!delivery) return null;
    const [stored] = await withEvents(this.dataSource.manager, [delivery]);
    return stored ?? null;
  }

  findById(id: string): Promise<DeliveryEntity | null> {
    return this.dataSource.getRepository(DeliveryEntity).findOneBy({ id });
  }

  /** The delivery log, newest first by default. */
  listPage(filter: DeliveryFilter, page: PageRequest): Promise<Page<DeliveryEntity>> {
    const qb = this.dataSource.getRepository(DeliveryEntity).createQueryBuilder('d').where('d.org_id = :orgId', { orgId: filter.orgId });
    if (filter.destinationId) qb.andWhere('d.destination_id = :destinationId', { destinationId: filter.destinationId });
    if (filter.status) qb.andWhere('d.status = :status', { status: filter.status });
    if (filter.eventType?.length) qb.andWhere('d.event_type IN (:...eventTypes)', { eventTypes: [filter.eventType].flat() });
    if (filter.since) qb.andWhere('d.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('d.created_at < :until', { until: filter.until });
    return keysetPage(qb, 'd', { order: 'DESC', ...page });
  }

  /** The latest attempt of each delivery that has one, by delivery id. */
  async latestAttempts(deliveryIds: string[]): Promise<Map<string, DeliveryAttemptEntity>> {
    if (deliveryIds.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(DeliveryAttemptEntity)
      .createQueryBuilder('a')
      .distinctOn(['a.delivery_id'])
      .where('a.delivery_id IN (:...ids)', { ids: deliveryIds })
      .orderBy('a.delivery_id')
      .addOrderBy('a.attempt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .getMany();
    return new Map(rows.map((row) => [row.deliveryId, row]));
  }

  attempts(deliveryId: string): Promise<DeliveryAttemptEntity[]> {
    return this.dataSource.getRepository(DeliveryAttemptEntity).find({ where: { deliveryId }, order: { attempt: 'ASC', id: 'ASC' } });
  }
}

async function withEvents(manager: EntityManager, deliveries: DeliveryEntity[]): Promise<StoredDelivery[]> {
  if (deliveries.length === 0) return [];
  const rows = await manager
    .getRepository(EventLogEntity)
    .createQueryBuilder('e')
    .where('(e.org_id, e.id) IN (SELECT unnest(CAST(:orgs AS text[])), unnest(CAST(:ids AS text[])))', {
      orgs: deliveries.map((d) => d.orgId),
      ids: deliveries.map((d) => d.eventId),
    })
    .getMany();
  const events = new Map(rows.map((row) => [`${row.orgId}/${row.id}`, toEvent(row)]));
  return deliveries.flatMap((delivery) => {
    const event = events.get(`${delivery.orgId}/${delivery.eventId}`);
    return event ? [{ delivery, event }] : [];
  });
}

/** Creates the delivery in `status`, or moves an existing one to it, without touching its attempts log. */
async function upsertState(manager: EntityManager, ref: DeliveryRef, status: DeliveryStatus, attemptsMade: number, nextAttemptAt: Date | null): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(DeliveryEntity)
    .values({ ...ref, status, attempts: attemptsMade, nextAttemptAt })
    .orUpdate(['status', 'attempts', 'next_attempt_at', 'updated_at'], ['id'])
    .execute();
}
