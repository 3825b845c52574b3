import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeadLetters, KafkaProducer, RETRY_TIERS, settling, Topics, type InboundMessage, type QuarantineFailure, type RetryTier, type Settling } from '@herald/kafka';
import { DeliveryMetrics, describeError, type DeliveryChannel, type MeteredDestination } from '@herald/observability';
import { DeliveryRepository, type AttemptRecord, type DeliveryRef, type DeliveryStatus } from '@herald/persistence';
import { annotate } from '@herald/tracing';
import { InvalidDeliveryJobError, jobMessage, parseDeliveryJob, type DeliveryJob } from './job';
import { deferMessage, retryMessage, spillMessage } from './retry';

/** The delivery log keeps a readable cause, not a whole payload quoted by an error message. */
const MAX_ERROR_CHARS = 1_000;

/** Operational events are not reported about themselves, so a dead ops destination cannot loop. */
const OPERATIONAL_TYPES = new Set(['delivery.exhausted', 'webhook.paused']);

/** The ids every log line about a delivery carries, so one grep follows it end to end. */
export function deliveryLogFields(job: DeliveryJob): { deliveryId: string; eventId: string; destinationId: string; attempt: number } {
  return { deliveryId: job.delivery_id, eventId: job.event.id, destinationId: job.destination.id, attempt: job.attempt };
}

/** The job's destination as the delivery metrics count it. */
export function meteredDestination(job: DeliveryJob): MeteredDestination {
  return { channel: job.destination.kind, org: job.event.org_id, id: job.destination.id };
}

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
 * What a sender does around an attempt, the same for every kind of destination: read the job
 * (parking an unreadable one), park the next attempt in its retry tier, dead-letter an
 * exhausted delivery and announce it, record the attempt in the delivery log, and count it
 * all. Needs KafkaModule, PersistenceModule and DeliveryMetrics.
 */
@Injectable()
export class DeliveryOutcomes {
  private readonly logger = new Logger('delivery-outcomes');

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly producer: KafkaProducer,
    private readonly deadLetters: DeadLetters,
    private readonly metrics: DeliveryMetrics,
    @Inject(RETRY_TIERS) private readonly tiers: RetryTier[],
  ) {}

  /**
   * Starts this sender's delivery counters at 0 for each of its formats and every retry tier, so the first failure,
   * retry or hold of each kind is an increase Prometheus sees (a series born at 1 hides that first one).
   */
  startMetricsAtZero(channel: DeliveryChannel, formats: readonly string[]): void {
    this.metrics.startAtZero({ channel, formats, tiers: this.tiers.map((tier) => tier.name) });
  }

  /**
   * The job in a deliveries-topic message, at once (no promise: most are readable). An unreadable one is parked on the
   * dead-letter topic, and the answer is then a promise that resolves once it is parked.
   */
  readJob(message: InboundMessage): DeliveryJob | Promise<void> {
    try {
      return parseDeliveryJob(message.value);
    } catch (error) {
      if (!(error instanceof InvalidDeliveryJobError)) throw error;
      this.logger.error({ msg: 'unreadable delivery job', reason: error.message, topic: message.topic, partition: message.partition, offset: message.offset });
      return this.deadLetters.parkInbound(Topics.dead, 'unreadable_job', message, error.message);
    }
  }

  /**
   * Runs before a sender quarantines a job (its failure repeats: a formatter bug, data nested too deep): the
   * delivery ends `failed` with the reason, so its log says why it never arrived. An unreadable job has no
   * delivery to mark.
   */
  async quarantined(message: InboundMessage, failure: QuarantineFailure): Promise<void> {
    let job: DeliveryJob;
    try {
      job = parseDeliveryJob(message.value);
    } catch {
      return;
    }
    await this.fail(job, `quarantined (${failure.reason}): ${describeError(failure.error).message}`);
  }

  /** Ends a delivery as `failed` without a request: nothing was sent, `error` says why. */
  async fail(job: DeliveryJob, error: string): Promise<void> {
    const attempt: AttemptRecord = { attempt: job.attempt, attemptedAt: new Date(), statusCode: null, latencyMs: 0, responseBody: null, error: error.slice(0, MAX_ERROR_CHARS), succeeded: false };
    await this.deliveries.recordAttempt(deliveryRef(job), 'failed', attempt, null);
    this.metrics.completed.inc({ channel: job.destination.kind, format: 'unknown', outcome: 'failed' });
  }

  /** The job's next attempt waits in its retry tier for `delayMs`, then goes back to `returnTo`. */
  async scheduleRetry(job: DeliveryJob, returnTo: string, delayMs: number): Promise<void> {
    const retry = retryMessage(job, returnTo, delayMs, this.tiers);
    await this.producer.send(retry.topic, [retry.message]);
    this.metrics.retriesScheduled.inc({ channel: job.destination.kind, tier: retry.tier.name });
    annotate({ 'herald.retry.tier': retry.tier.name, 'herald.retry.delay_ms': delayMs });
  }

  /** Parks the job until its rate-limit slot, `delayMs` from now; it comes back as the same attempt. */
  async defer(job: DeliveryJob, returnTo: string, delayMs: number, now = Date.now()): Promise<void> {
    const deferred = deferMessage(job, returnTo, delayMs, this.tiers, now);
    await this.producer.send(deferred.topic, [deferred.message]);
    // Visible in the delivery log as pending until its slot, like a retry.
    await this.deliveries.recordDeferred(deliveryRef(job), job.attempt - 1, new Date(now + delayMs));
    this.metrics.rateLimited.inc({ channel: job.destination.kind, action: 'deferred' });
  }

  /**
   * Takes the job out of its partition for `delayMs` because its endpoint has too many queued (`seq`: its place among
   * the endpoint's spilled ones): not an attempt, and not written to the delivery log, which keeps showing the
   * delivery as it was.
   */
  async spill(job: DeliveryJob, seq: number | undefined, returnTo: string, delayMs: number, now = Date.now()): Promise<void> {
    const spilled = spillMessage(job, seq, returnTo, delayMs, this.tiers, now);
    await this.producer.send(spilled.topic, [spilled.message]);
  }

  /**
   * Takes the job out of its partition for `delayMs` because an earlier delivery of its ordering key is waiting for
   * a retry: not an attempt, but shown as pending until it comes back, since that can be hours.
   */
  async holdBack(job: DeliveryJob, returnTo: string, delayMs: number, now = Date.now()): Promise<void> {
    await this.spill(job, undefined, returnTo, delayMs, now);
    await this.deliveries.recordDeferred(deliveryRef(job), job.attempt - 1, new Date(now + delayMs));
  }

  /** Parks the job on the dead-letter topic with the reason and publishes `delivery.exhausted`. */
  async exhaust(job: DeliveryJob, reason: string, destination: Record<string, unknown>): Promise<void> {
    await this.deadLetters.park(Topics.dead, 'exhausted', jobMessage(job), reason);
    await this.emit(job, 'delivery.exhausted', { delivery_id: job.delivery_id, event_id: job.event.id, event_type: job.event.type, ...destination, attempts: job.attempt, error: reason });
  }

  /** Publishes an operational event like any producer would, so operators can subscribe to it. */
  async emit(job: DeliveryJob, type: string, data: Record<string, unknown>): Promise<void> {
    if (OPERATIONAL_TYPES.has(job.event.type)) return;
    const event = { type, org_id: job.event.org_id, project_id: job.event.project_id, data };
    await this.producer.send(Topics.events, [{ key: job.event.org_id, value: JSON.stringify(event) }]);
  }

  /**
   * Records the attempt and the delivery's status, counting deliveries that reached a final
   * one. Returned as still settling: the destination's next delivery may start while it is
   * written, and the Kafka offset waits for it.
   */
  record(job: DeliveryJob, format: string, status: DeliveryStatus, attempt: AttemptRecord, nextAttemptAt: Date | null): Settling {
    if (status === 'succeeded' || status === 'failed') this.metrics.completed.inc({ channel: job.destination.kind, format, outcome: status });
    annotate({ 'herald.delivery.status': status });
    return settling(this.deliveries.recordAttempt(deliveryRef(job), status, attempt, nextAttemptAt));
  }
}
