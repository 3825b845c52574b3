import { Column, Entity, Index, OneToMany } from 'typeorm';
import { SubscriptionColumns } from '../subscription/subscription.columns';
import { WebhookSecretEntity } from './webhook-secret.entity';

export const DEFAULT_RETRY_SCHEDULE = ['5s', '30s', '2m', '10m', '1h', '6h'];

@Entity('webhooks')
@Index(['orgId'])
export class WebhookEntity extends SubscriptionColumns {
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

  @Column({ name: 'paused_at', type: 'timestamptz', nullable: true })
  pausedAt!: Date | null;

  @Column({ name: 'retry_schedule', type: 'text', array: true, default: () => `'{${DEFAULT_RETRY_SCHEDULE.join(',')}}'` })
  retrySchedule!: string[];

  @Column({ name: 'timeout_ms', type: 'integer', nullable: true })
  timeoutMs!: number | null;

  /** Requests per second the endpoint accepts at most; null: as fast as deliveries come. */
  @Column({ name: 'rate_limit', type: 'integer', nullable: true })
  rateLimit!: number | null;

  /** Treat 4xx other than 408/409/425/429 as final (Versioner's "retry on 5xx only"). */
  @Column({ name: 'client_errors_final', type: 'boolean', default: false })
  clientErrorsFinal!: boolean;

  @Column({ name: 'pause_after_failures', type: 'integer', default: 10 })
  pauseAfterFailures!: number;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @OneToMany(() => WebhookSecretEntity, (secret) => secret.webhook)
  secrets?: WebhookSecretEntity[];
}
