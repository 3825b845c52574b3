import { Column, Entity, Index, OneToMany, type ValueTransformer } from 'typeorm';
import { encrypted, secretBox } from '../crypto/secret-box';
import { SubscriptionColumns } from '../subscription/subscription.columns';
import { WebhookSecretEntity } from './webhook-secret.entity';

/** A header sent with every delivery of a webhook; a secret one's value is encrypted at rest and never shown. */
export interface StaticHeader {
  name: string;
  value: string;
  secret: boolean;
}

/** Encrypts the values of the secret headers only, so the others stay readable in the database. */
const secretHeaderValues: ValueTransformer = {
  to: (headers: StaticHeader[] | undefined) => headers?.map((h) => (h.secret ? { ...h, value: secretBox().encrypt(h.value) } : h)),
  from: (headers: StaticHeader[] | null) => (headers ?? []).map((h) => (h.secret ? { ...h, value: secretBox().decrypt(h.value) } : h)),
};

export const DEFAULT_RETRY_SCHEDULE = ['5s', '30s', '2m', '10m', '1h', '6h'];

/**
 * How a webhook's deliveries are ordered: `key` (deliveries with the same ordering key one at a time, in order, the
 * rest in parallel), `endpoint` (all of them one at a time, in order) or `none` (all in parallel).
 */
export const WEBHOOK_ORDERINGS = ['key', 'endpoint', 'none'] as const;
export type WebhookOrdering = (typeof WEBHOOK_ORDERINGS)[number];
export const DEFAULT_MAX_IN_FLIGHT = 16;
/** The sender's connections per origin (HttpSender): more in flight would only queue there, on the clock of their timeout. */
export const MAX_MAX_IN_FLIGHT = 64;

@Entity('webhooks')
@Index(['orgId'])
export class WebhookEntity extends SubscriptionColumns {
  @Column({ type: 'text', default: '' })
  description!: string;

  @Column('text')
  url!: string;

  /** raw | slack | teams | discord | pagerduty | opsgenie */
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

  @Column({ type: 'text', default: 'key' })
  ordering!: WebhookOrdering;

  /** Requests to the endpoint in flight at once from one sender, at most (`endpoint` ordering: always one). */
  @Column({ name: 'max_in_flight', type: 'integer', default: DEFAULT_MAX_IN_FLIGHT })
  maxInFlight!: number;

  @Column({ name: 'pause_after_failures', type: 'integer', default: 10 })
  pauseAfterFailures!: number;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  /** Replace the scheme's signature / timestamp header names and the event header's; null: the defaults. */
  @Column({ name: 'signature_header', type: 'text', nullable: true })
  signatureHeader!: string | null;

  @Column({ name: 'timestamp_header', type: 'text', nullable: true })
  timestampHeader!: string | null;

  @Column({ name: 'event_header', type: 'text', nullable: true })
  eventHeader!: string | null;

  @Column({ name: 'static_headers', type: 'jsonb', default: () => `'[]'`, transformer: secretHeaderValues })
  staticHeaders!: StaticHeader[];

  /** A JSONata expression turning the event into the raw body; null: Herald's envelope. */
  @Column({ name: 'payload_template', type: 'text', nullable: true })
  payloadTemplate!: string | null;

  /** PagerDuty routing key or Opsgenie API key; encrypted at rest, never shown. */
  @Column({ name: 'integration_key', type: 'text', nullable: true, transformer: encrypted })
  integrationKey!: string | null;

  /** A JSONata expression for the PagerDuty dedup_key / Opsgenie alias; null: derived from the event's subject. */
  @Column({ name: 'dedup_key', type: 'text', nullable: true })
  dedupKey!: string | null;

  @OneToMany(() => WebhookSecretEntity, (secret) => secret.webhook)
  secrets?: WebhookSecretEntity[];
}
