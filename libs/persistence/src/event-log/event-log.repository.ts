import { DataSource, Repository } from 'typeorm';
import type { HeraldEvent } from '@herald/events';
import type { DeliveryStatus } from '../delivery/delivery.entity';
import { GroupCommit, OFFSET_ONLY_LINGER_MS } from '../group-commit';
import { keysetPage, type Page, type PageRequest } from '../paging/keyset';
import { PreparedStatement } from '../prepared-statement';
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

/** What recording an event found: see EventLogRepository.recordOnce. */
export interface RecordedEvent {
  event: HeraldEvent;
  published: boolean;
  subscriptionsVersion: string | null;
}

/**
 * A batch of events; each row returned is one that was new, with its org's subscriptions version as the statement saw
 * it. The rows come as one JSON array: each event's data is then serialised once, where an array of jsonb made pg
 * escape every serialised data again into the array literal (client CPU per event 17–19 → 10–12 µs at 11 events a
 * batch, 8 → 3.5 µs at 500; PostgreSQL's the same: docs/performance.md, "The event-log insert").
 */
const INSERT_EVENTS = new PreparedStatement<{ org_id: string; id: string; subscriptions_version: string | null }>(
  'herald_event_log_insert',
  `INSERT INTO events (org_id, id, type, project_id, occurred_at, created_at, data, ordering_key)
   SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(org_id text, id text, type text, project_id text, occurred_at timestamptz,
     created_at timestamptz, data jsonb, ordering_key text)
   ON CONFLICT DO NOTHING
   RETURNING org_id, id, (SELECT subscriptions_version::text FROM orgs WHERE orgs.id = events.org_id) AS subscriptions_version`,
);

const MARK_PUBLISHED = new PreparedStatement(
  'herald_event_log_mark_published',
  `UPDATE events SET status = 'published' FROM unnest($1::text[], $2::text[]) AS p(org_id, id) WHERE events.org_id = p.org_id AND events.id = p.id`,
);

export class EventLogRepository {
  private readonly repo: Repository<EventLogEntity>;
  /**
   * Events recorded by concurrent intakes are inserted together, one statement per batch; each learns if it was new,
   * and if so its org's subscriptions version as that statement saw it (null: not new).
   */
  private readonly records: GroupCommit<HeraldEvent, { subscriptionsVersion: string | null } | null>;
  /** Events published by concurrent intakes are marked together, one statement per batch (lingering: see markPublished). */
  private readonly publications: GroupCommit<Pick<HeraldEvent, 'org_id' | 'id'>>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(EventLogEntity);
    this.records = new GroupCommit((events) => this.insertAll(events));
    this.publications = new GroupCommit((events) => this.markAllPublished(events), { lingerMs: OFFSET_ONLY_LINGER_MS });
  }

  /**
   * Records the event unless this org already has one with the same id, and returns the stored
   * one. `published` tells whether it already reached the accepted topic: a duplicate that did
   * not (a crash between the two steps) must be published again, not dropped.
   * `subscriptionsVersion`: for a new event, its org's (OrgRepository.subscriptionsVersion) as read by the insert,
   * i.e. after the event arrived, so routing with subscriptions at least that new sees every change committed
   * before; null for a repeated id or an unknown org.
   */
  async recordOnce(event: HeraldEvent): Promise<RecordedEvent> {
    const inserted = await this.records.add(event);
    if (inserted) return { event, published: false, subscriptionsVersion: inserted.subscriptionsVersion };
    const stored = await this.repo.findOneByOrFail({ orgId: event.org_id, id: event.id });
    return { event: toEvent(stored), published: stored.status === 'published', subscriptionsVersion: null };
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

  /**
   * One multi-row insert for the batch (plain SQL: on the intake path of every event, the query builder's own work
   * cost more than the insert); an event is new when its row was inserted, and only the first of the batch with its
   * id. Should the statement fail, each event is inserted on its own, so a value the database refuses fails only
   * the event that carries it.
   */
  private async insertAll(events: HeraldEvent[]): Promise<PromiseSettledResult<{ subscriptionsVersion: string | null } | null>[]> {
    const insert = async (batch: HeraldEvent[]) => {
      const rows = await INSERT_EVENTS.run(this.dataSource, [
        JSON.stringify(
          batch.map((e) => ({
            org_id: e.org_id,
            id: e.id,
            type: e.type,
            project_id: e.project_id,
            // Through Date, as stored before: to the millisecond, in UTC.
            occurred_at: new Date(e.occurred_at),
            created_at: new Date(e.created_at),
            data: e.data,
            ordering_key: e.ordering_key ?? null,
          })),
        ),
      ]);
      const inserted = new Map(rows.map((row) => [eventKey(row.org_id, row.id), { subscriptionsVersion: row.subscriptions_version }]));
      return batch.map((e) => {
        const key = eventKey(e.org_id, e.id);
        const row = inserted.get(key) ?? null;
        inserted.delete(key);
        return row;
      });
    };
    try {
      return (await insert(events)).map((value) => ({ status: 'fulfilled', value }));
    } catch (error) {
      if (events.length === 1) throw error;
      // One insert per event, in order, as the batch would have: of two events with one id, the first is the new one.
      const results: PromiseSettledResult<{ subscriptionsVersion: string | null } | null>[] = [];
      for (const event of events) {
        results.push(await insert([event]).then((rows) => ({ status: 'fulfilled' as const, value: rows[0] }), (reason: unknown) => ({ status: 'rejected' as const, reason })));
      }
      return results;
    }
  }

  /**
   * Resolves once the event is marked `published`. Only a Kafka offset waits for it, so marks wait for one another
   * (OFFSET_ONLY_LINGER_MS) unless `urgent` (a caller about to answer with the event).
   */
  markPublished(event: Pick<HeraldEvent, 'org_id' | 'id'>, urgent = false): Promise<void> {
    return this.publications.add(event, urgent);
  }

  private async markAllPublished(events: Pick<HeraldEvent, 'org_id' | 'id'>[]): Promise<void> {
    await MARK_PUBLISHED.run(this.dataSource, [events.map((e) => e.org_id), events.map((e) => e.id)]);
  }
}

const eventKey = (orgId: string, id: string) => `${orgId}\u0000${id}`;

export function toEvent(row: EventLogEntity): HeraldEvent {
  return {
    id: row.id,
    type: row.type,
    org_id: row.orgId,
    project_id: row.projectId,
    occurred_at: row.occurredAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    data: row.data,
    ...(row.orderingKey !== null ? { ordering_key: row.orderingKey } : {}),
  };
}
