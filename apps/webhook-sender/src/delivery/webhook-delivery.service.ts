import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, HERALD_VERSION, type HeraldConfig } from '@herald/config';
import { nextRetryDelay, retryMessage, serializeJob, type DeliveryJob } from '@herald/deliveries';
import { Headers, KafkaProducer, RETRY_TIERS, Topics, type RetryTier } from '@herald/kafka';
import { DeliveryRepository, type AttemptRecord, type DeliveryRef, type DeliveryStatus } from '@herald/persistence';
import { classifyAttempt, HttpSender, prepareRequest, type AttemptOutcome, type SendResult } from '@herald/webhook-transport';
import { WebhookDirectory, type WebhookSettings } from './webhook-directory';

/** Operational events are not reported about themselves, so a dead ops endpoint cannot loop. */
const OPERATIONAL_TYPES = new Set(['delivery.exhausted', 'webhook.paused']);

/**
 * One delivery attempt, top to bottom: look up the webhook → prepare (format, sign) → send →
 * classify the result → record it → schedule the retry or finish.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('webhook-delivery');
  private readonly userAgent = `Herald/${HERALD_VERSION}`;

  constructor(
    private readonly directory: WebhookDirectory,
    private readonly http: HttpSender,
    private readonly deliveries: DeliveryRepository,
    private readonly producer: KafkaProducer,
    @Inject(RETRY_TIERS) private readonly tiers: RetryTier[],
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  async deliver(job: DeliveryJob): Promise<void> {
    const webhook = await this.directory.get(job.destination.id);
    if (!webhook) return this.finish(job, 'failed', noAttempt(job, 'webhook no longer exists'), null);

    const request = prepareRequest(job, webhook, { headerPrefix: this.config.HERALD_HEADER_PREFIX, userAgent: this.userAgent });
    const attemptedAt = new Date();
    const result = await this.http.post(request);
    const outcome = classifyAttempt(result, webhook.clientErrorsFinal);
    const attempt = attemptRecord(job, attemptedAt, result, outcome);

    if (outcome.kind === 'delivered') return this.finish(job, 'succeeded', attempt, null);
    const delayMs = outcome.kind === 'retry' ? nextRetryDelay({ schedule: webhook.retrySchedule }, job.attempt, outcome.retryAfterMs) : null;
    if (delayMs === null) return this.exhaust(job, webhook, attempt, outcome.reason);

    const retry = retryMessage(job, Topics.webhookDeliveries, delayMs, this.tiers);
    await this.producer.send(retry.topic, [retry.message]);
    await this.finish(job, 'pending', attempt, new Date(Date.now() + delayMs));
    this.logger.log({ msg: 'attempt failed; retry scheduled', deliveryId: job.delivery_id, eventId: job.event.id, destinationId: webhook.id, attempt: job.attempt, reason: outcome.reason, delayMs });
  }

  private async exhaust(job: DeliveryJob, webhook: WebhookSettings, attempt: AttemptRecord, reason: string): Promise<void> {
    await this.producer.send(Topics.dead, [{ key: webhook.id, value: serializeJob(job), headers: { [Headers.reason]: reason } }]);
    if (!OPERATIONAL_TYPES.has(job.event.type)) {
      const exhausted = {
        type: 'delivery.exhausted',
        org_id: job.event.org_id,
        project_id: job.event.project_id,
        data: { delivery_id: job.delivery_id, event_id: job.event.id, event_type: job.event.type, webhook_id: webhook.id, attempts: job.attempt, error: reason },
      };
      await this.producer.send(Topics.events, [{ key: job.event.org_id, value: JSON.stringify(exhausted) }]);
    }
    await this.finish(job, 'failed', attempt, null);
    this.logger.warn({ msg: 'delivery failed for good', deliveryId: job.delivery_id, eventId: job.event.id, destinationId: webhook.id, attempts: job.attempt, reason });
  }

  private finish(job: DeliveryJob, status: DeliveryStatus, attempt: AttemptRecord, nextAttemptAt: Date | null): Promise<void> {
    return this.deliveries.recordAttempt(deliveryRef(job), status, attempt, nextAttemptAt);
  }
}

function deliveryRef(job: DeliveryJob): DeliveryRef {
  return {
    id: job.delivery_id,
    orgId: job.event.org_id,
    eventId: job.event.id,
    eventType: job.event.type,
    destinationKind: job.destination.kind,
    destinationId: job.destination.id,
  };
}

function attemptRecord(job: DeliveryJob, attemptedAt: Date, result: SendResult, outcome: AttemptOutcome): AttemptRecord {
  return {
    attempt: job.attempt,
    attemptedAt,
    statusCode: result.kind === 'response' ? result.statusCode : null,
    latencyMs: result.latencyMs,
    responseBody: result.kind === 'response' ? result.body : null,
    error: outcome.kind === 'delivered' ? null : outcome.reason,
    succeeded: outcome.kind === 'delivered',
  };
}

function noAttempt(job: DeliveryJob, error: string): AttemptRecord {
  return { attempt: job.attempt, attemptedAt: new Date(), statusCode: null, latencyMs: 0, responseBody: null, error, succeeded: false };
}
