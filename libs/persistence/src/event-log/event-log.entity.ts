import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type EventStatus = 'received' | 'published';

/** Every accepted event, for dedupe of producer ids and for reconciliation (GET /events). */
@Entity('events')
@Index(['orgId', 'type', 'createdAt'])
export class EventLogEntity {
  @PrimaryColumn({ name: 'org_id', type: 'text' })
  orgId!: string;

  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  type!: string;

  @Column({ name: 'project_id', type: 'text', nullable: true })
  projectId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('jsonb')
  data!: Record<string, unknown>;

  /** The effective ordering key (the producer's or the type's default); null when none. */
  @Column({ name: 'ordering_key', type: 'text', nullable: true })
  orderingKey!: string | null;

  /** `received` until it is on herald.events.accepted.v1, then `published`. */
  @Column({ type: 'text', default: 'received' })
  status!: EventStatus;
}
