import { Inject, Injectable } from '@nestjs/common';
import { Headers, KafkaProducer, RETRY_TIERS, settling, Topics, type RetryTier, type Settling } from '@herald/kafka';
import { DeliveryRepository, type AttemptRecord, type DeliveryRef, type DeliveryStatus } from '@herald/persistence';
import { serializeJob, type DeliveryJob } from './job';
import { retryMessage } from './retry';

/** Operational events are not reported about themselves, so a dead ops destination cannot loop. */
const OPERATIONAL_TYPES = new Set(['delivery.exhausted', 'webhook.paused']);

export function deliveryRef(job: DeliveryJob): DeliveryRef {
  return {
    id: job.delivery_id,
    orgId: job.event.org_id,
    eventId: job.event.id,
    eventType: job.event.type,
    destinationKind: job.destination.kind,
    destinationId: job.destination.id,
  };
}

/**
 * What a sender does once an attempt has an outcome, the same for every kind of destination:
 * park the next attempt in its retry tier, dead-letter an exhausted delivery and announce it,
 * and record the attempt in the delivery log. Needs KafkaModule and PersistenceModule.
 */
@Injectable()
export class DeliveryOutcomes {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly producer: KafkaProducer,
    @Inject(RETRY_TIERS) private readonly tiers: RetryTier[],
  ) {}

  /** The job's next attempt waits in its retry tier for `delayMs`, then goes back to `returnTo`. */
  async scheduleRetry(job: DeliveryJob, returnTo: string, delayMs: number): Promise<void> {
    const retry = retryMessage(job, returnTo, delayMs, this.tiers);
    await this.producer.send(retry.topic, [retry.message]);
  }

  /** Parks the job on the dead-letter topic with the reason and publishes `delivery.exhausted`. */
  async exhaust(job: DeliveryJob, reason: string, destination: Record<string, unknown>): Promise<void> {
    await this.producer.send(Topics.dead, [{ key: job.destination.id, value: serializeJob(job), headers: { [Headers.reason]: reason } }]);
    await this.emit(job, 'delivery.exhausted', { delivery_id: job.delivery_id, event_id: job.event.id, event_type: job.event.type, ...destination, attempts: job.attempt, error: reason });
  }

  /** Publishes an operational event like any producer would, so operators can subscribe to it. */
  async emit(job: DeliveryJob, type: string, data: Record<string, unknown>): Promise<void> {
    if (OPERATIONAL_TYPES.has(job.event.type)) return;
    const event = { type, org_id: job.event.org_id, project_id: job.event.project_id, data };
    await this.producer.send(Topics.events, [{ key: job.event.org_id, value: JSON.stringify(event) }]);
  }

  /**
   * Records the attempt and the delivery's status. Returned as still settling: the destination's
   * next delivery may start while it is written, and the Kafka offset waits for it.
   */
  record(job: DeliveryJob, status: DeliveryStatus, attempt: AttemptRecord, nextAttemptAt: Date | null): Settling {
    return settling(this.deliveries.recordAttempt(deliveryRef(job), status, attempt, nextAttemptAt));
  }
}
