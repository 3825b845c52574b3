import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** `failed`: the destination's failed deliveries; `all`: every event it receives, as a backfill. */
export type ReplaySelection = 'failed' | 'all';

/** `waiting`: its destination is paused or disabled; it goes on by itself when that ends. */
export type ReplayState = 'running' | 'waiting' | 'completed' | 'cancelled';

export const ACTIVE_REPLAY_STATES: readonly ReplayState[] = ['running', 'waiting'];

/** A destination's deliveries sent again since a point in time, at most `rate` a second, in event order. */
@Entity('replays')
export class ReplayEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  @Column({ name: 'destination_kind', type: 'text' })
  destinationKind!: 'webhook' | 'email';

  @Column({ name: 'destination_id', type: 'text' })
  destinationId!: string;

  @Column('text')
  selection!: ReplaySelection;

  @Column('timestamptz')
  since!: Date;

  @Column('timestamptz')
  until!: Date;

  /** Deliveries per second. */
  @Column('integer')
  rate!: number;

  @Column({ type: 'text', default: 'running' })
  state!: ReplayState;

  /** Why it ended or waits, when not by finishing. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** Items selected when it was created. */
  @Column('integer')
  total!: number;

  /** The durable cursor: items before it were handled (sent, or skipped because their event is gone). */
  @Column({ type: 'integer', default: 0 })
  position!: number;

  @Column({ type: 'integer', default: 0 })
  sent!: number;

  /** The next item goes no earlier than this: the cap, kept across restarts. */
  @Column({ name: 'next_send_at', type: 'timestamptz', nullable: true })
  nextSendAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
