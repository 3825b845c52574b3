import { Injectable, Logger } from '@nestjs/common';
import { deliveryLogFields, DeliveryOutcomes, meteredDestination, nextRetryDelay, type DeliveryJob } from '@herald/deliveries';
import { Topics, type Settling } from '@herald/kafka';
import { DeliveryMetrics } from '@herald/observability';
import type { AttemptRecord } from '@herald/persistence';
import { classifyAttempt, HttpSender, type AttemptOutcome, type SendResult } from '@herald/webhook-transport';
import { AutoPause } from './auto-pause';
import { EndpointBreakers } from './endpoint-breakers';
import { RateLimits } from './rate-limits';
import { WebhookDirectory, type WebhookSettings } from './webhook-directory';
import { WebhookRequests } from './webhook-requests';

/** The format label of a delivery whose webhook was deleted before it went out. */
const UNKNOWN_FORMAT = 'unknown';

const isFailure = (result: SendResult) => classifyAttempt(result, false).kind !== 'delivered';

/**
 * One delivery attempt, top to bottom: look up the webhook → hold if paused → wait for its rate
 * limit's slot → prepare (format, sign) → send through the endpoint's breaker → classify → retry,
 * exhaust or finish → record.
 * The log record is returned as still settling: the endpoint's next delivery may start while
 * it is written, and the Kafka offset waits for it.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('webhook-delivery');

  constructor(
    private readonly directory: WebhookDirectory,
    private readonly autoPause: AutoPause,
    private readonly rateLimits: RateLimits,
    private readonly requests: WebhookRequests,
    private readonly breakers: EndpointBreakers,
    private readonly http: HttpSender,
    private readonly outcomes: DeliveryOutcomes,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async deliver(job: DeliveryJob): Promise<Settling | void> {
    const found = await this.directory.get(job.destination.id);
    if (!found) {
      this.metrics.attempt(meteredDestination(job), UNKNOWN_FORMAT, 'no_request');
      return this.outcomes.record(job, UNKNOWN_FORMAT, 'failed', noRequest(job, 'webhook no longer exists'), null);
    }
    const webhook = await this.autoPause.holdIfPaused(job, found);
    if (webhook === 'held') return;
    if ((await this.rateLimits.admit(job, webhook)) === 'deferred') return;

    const prepared = await this.requests.prepare(job, webhook);
    if (prepared.kind === 'unsendable') {
      this.metrics.attempt(meteredDestination(job), webhook.format, 'no_request');
      return this.exhaust(job, webhook, noRequest(job, prepared.reason), prepared.reason);
    }
    const request = prepared.request;
    const attemptedAt = new Date();
    const sent = await this.breakers.send(webhook.id, isFailure, () => this.http.post(request));
    if (sent.kind === 'open') {
      this.metrics.attempt(meteredDestination(job), webhook.format, 'no_request');
      // Failing fast is still failing: it counts toward auto-pause like the failures that opened it.
      await this.autoPause.recordFailure(job, webhook);
      return this.retry(job, webhook, noRequest(job, 'circuit breaker open: no request sent'), 'circuit breaker open', 0);
    }

    const outcome = classifyAttempt(sent.result, webhook.clientErrorsFinal);
    const attempt = attemptRecord(job, attemptedAt, sent.result, outcome);
    if (sent.result.kind === 'refused') this.metrics.attempt(meteredDestination(job), webhook.format, 'no_request');
    else this.metrics.attempt(meteredDestination(job), webhook.format, attempt.succeeded ? 'success' : 'failure', sent.result.latencyMs / 1000);
    if (outcome.kind === 'delivered') return this.succeed(job, webhook, attempt);
    await this.autoPause.recordFailure(job, webhook);
    if (outcome.kind === 'final') return this.exhaust(job, webhook, attempt, outcome.reason);
    return this.retry(job, webhook, attempt, outcome.reason, outcome.retryAfterMs);
  }

  private async succeed(job: DeliveryJob, webhook: WebhookSettings, attempt: AttemptRecord): Promise<Settling> {
    await this.autoPause.recordSuccess(webhook);
    this.logger.debug({ msg: 'delivered', ...deliveryLogFields(job), statusCode: attempt.statusCode, latencyMs: attempt.latencyMs });
    return this.outcomes.record(job, webhook.format, 'succeeded', attempt, null);
  }

  private async retry(job: DeliveryJob, webhook: WebhookSettings, attempt: AttemptRecord, reason: string, retryAfterMs: number): Promise<Settling> {
    const delayMs = nextRetryDelay({ schedule: webhook.retrySchedule }, job.attempt, retryAfterMs);
    if (delayMs === null) return this.exhaust(job, webhook, attempt, reason);
    await this.outcomes.scheduleRetry(job, Topics.webhookDeliveries, delayMs);
    this.logger.log({ msg: 'attempt failed; retry scheduled', ...deliveryLogFields(job), reason, delayMs });
    return this.outcomes.record(job, webhook.format, 'pending', attempt, new Date(Date.now() + delayMs));
  }

  private async exhaust(job: DeliveryJob, webhook: WebhookSettings, attempt: AttemptRecord, reason: string): Promise<Settling> {
    await this.outcomes.exhaust(job, reason, { webhook_id: webhook.id });
    this.logger.warn({ msg: 'delivery failed for good', ...deliveryLogFields(job), reason });
    return this.outcomes.record(job, webhook.format, 'failed', attempt, null);
  }

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

function noRequest(job: DeliveryJob, error: string): AttemptRecord {
  return { attempt: job.attempt, attemptedAt: new Date(), statusCode: null, latencyMs: 0, responseBody: null, error, succeeded: false };
}
