import { Column, CreateDateColumn, DeleteDateColumn, Entity, Index, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { WebhookSecretEntity } from './webhook-secret.entity';

export const DEFAULT_RETRY_SCHEDULE = ['5s', '30s', '2m', '10m', '1h', '6h'];

@Entity('webhooks')
@Index(['orgId'])
export class WebhookEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column('text')
  url!: string;

  /** raw | slack | teams | discord */
  @Column({ type: 'text', default: 'raw' })
  format!: string;

  /** standard | hmac-sha256 | timestamped | github (ignored for chat formats) */
  @Column({ name: 'signing_scheme', type: 'text', default: 'standard' })
  signingScheme!: string;

  /** Empty means every event type enabled for the org. */
  @Column({ name: 'event_types', type: 'text', array: true, default: '{}' })
  eventTypes!: string[];

  /** Empty means every project. */
  @Column({ name: 'project_ids', type: 'text', array: true, default: '{}' })
  projectIds!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'paused_at', type: 'timestamptz', nullable: true })
  pausedAt!: Date | null;

  @Column({ name: 'retry_schedule', type: 'text', array: true, default: () => `'{${DEFAULT_RETRY_SCHEDULE.join(',')}}'` })
  retrySchedule!: string[];

  @Column({ name: 'timeout_ms', type: 'integer', nullable: true })
  timeoutMs!: number | null;

  /** Treat 4xx other than 408/409/425/429 as final (Versioner's "retry on 5xx only"). */
  @Column({ name: 'client_errors_final', type: 'boolean', default: false })
  clientErrorsFinal!: boolean;

  @Column({ name: 'pause_after_failures', type: 'integer', default: 10 })
  pauseAfterFailures!: number;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @OneToMany(() => WebhookSecretEntity, (secret) => secret.webhook)
  secrets?: WebhookSecretEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
