import { Column, CreateDateColumn, DeleteDateColumn, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The columns every destination table (webhooks, email channels) shares: whose it is, what it subscribes to,
 * whether it is on, and its lifecycle (soft-deleted). Ingest matches events against exactly these.
 */
export abstract class SubscriptionColumns {
  @PrimaryColumn('text')
  id!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  /** Empty means every event type enabled for the org. */
  @Column({ name: 'event_types', type: 'text', array: true, default: '{}' })
  eventTypes!: string[];

  /** Empty means every project. */
  @Column({ name: 'project_ids', type: 'text', array: true, default: '{}' })
  projectIds!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /**
   * A content filter on the event (libs/filters, docs/filters.md), validated when saved; null lets every event through.
   * `json`, not `jsonb`: kept as written, key order included, so reads and the declarative config's comparison see
   * what the client sent. Written whole: TypeORM's update type would have it be a deep partial, so repositories cast.
   */
  @Column({ type: 'json', nullable: true })
  filter!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
