import { DataSource, Repository } from 'typeorm';
import type { HeraldEvent } from '@herald/events';
import type { DeliveryStatus } from '../delivery/delivery.entity';
import { keysetPage, type Page, type PageRequest } from '../paging/keyset';
import { EventLogEntity, type EventStatus } from './event-log.entity';

/** Which events a reconciliation page shows: always one org's, optionally narrowed. */
export interface EventFilter {
  orgId: string;
  /** One type, or any of several names (a type and its aliases). */
  type?: string | readonly string[];
  /** created_at >= since */
  since?: Date;
  status?: EventStatus;
  /** Only events with at least one delivery in this status (e.g. `failed`). */
  deliveryStatus?: DeliveryStatus;
}

export class EventLogRepository {
  private readonly repo: Repository<EventLogEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(EventLogEntity);
  }

  /**
   * Records the event unless this org already has one with the same id, and returns the stored
   * one. `published` tells whether it already reached the accepted topic: a duplicate that did
   * not (a crash between the two steps) must be published again, not dropped.
   */
  async recordOnce(event: HeraldEvent): Promise<{ event: HeraldEvent; published: boolean }> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        orgId: event.org_id,
        id: event.id,
        type: event.type,
        projectId: event.project_id,
        occurredAt: new Date(event.occurred_at),
        createdAt: new Date(event.created_at),
        data: event.data as EventLogEntity['data'] & object,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    if (result.raw.length > 0) return { event, published: false };
    const stored = await this.repo.findOneByOrFail({ orgId: event.org_id, id: event.id });
    return { event: toEvent(stored), published: stored.status === 'published' };
  }

  /** Oldest first, so a reconciler walks forward from `since`. */
  listPage(filter: EventFilter, page: PageRequest): Promise<Page<EventLogEntity>> {
    const qb = this.repo.createQueryBuilder('e').where('e.org_id = :orgId', { orgId: filter.orgId });
    if (filter.type?.length) qb.andWhere('e.type IN (:...types)', { types: [filter.type].flat() });
    if (filter.since) qb.andWhere('e.created_at >= :since', { since: filter.since });
    if (filter.status) qb.andWhere('e.status = :status', { status: filter.status });
    if (filter.deliveryStatus) {
      qb.andWhere('EXISTS (SELECT 1 FROM deliveries d WHERE d.org_id = e.org_id AND d.event_id = e.id AND d.status = :deliveryStatus)', { deliveryStatus: filter.deliveryStatus });
    }
    return keysetPage(qb, 'e', page);
  }

  async markPublished(event: HeraldEvent): Promise<void> {
    await this.repo.update({ orgId: event.org_id, id: event.id }, { status: 'published' });
  }
}

export function toEvent(row: EventLogEntity): HeraldEvent {
  return {
    id: row.id,
    type: row.type,
    org_id: row.orgId,
    project_id: row.projectId,
    occurred_at: row.occurredAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    data: row.data,
  };
}
