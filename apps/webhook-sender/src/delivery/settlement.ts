import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { deliveryLogFields, DeliveryOutcomes, meteredDestination, nextRetryDelay, type DeliveryJob } from '@herald/deliveries';
import { DeadLetters, Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { WEBHOOK_FORMATS } from '@herald/formatters';
import { DeliveryMetrics } from '@herald/observability';
import type { AttemptRecord } from '@herald/persistence';
import { classifyAttempt, type AttemptOutcome, type SendResult } from '@herald/webhook-transport';
import type { Endpoint } from '../endpoints/endpoint';
import { AutoPause } from './auto-pause';
import { KeyOrder } from './key-order';

/** The format label of a delivery whose webhook was deleted before it went out. */
const UNKNOWN_FORMAT = 'unknown';

/**
 * What becomes of a delivery once it was tried (or could not be): classify the answer, then succeed, retry or fail
 * for good, count it toward auto-pause, and record it. Records are returned as still settling: the endpoint's next
 * delivery may start while they are written, and the Kafka offset waits for them.
 */
@Injectable()
export class Settlement {
  private readonly logger = new Logger('webhook-delivery');
  /** A line per delivered attempt only at debug level: building it for a logger that drops it cost ~1 % of a burst. */
  private readonly logsEachDelivery: boolean;

  constructor(
    private readonly outcomes: DeliveryOutcomes,
    private readonly deadLetters: DeadLetters,
    private readonly autoPause: AutoPause,
    private readonly metrics: DeliveryMetrics,
    private readonly keyOrder: KeyOrder,
    @Inject(HERALD_CONFIG) config: Pick<HeraldConfig, 'LOG_LEVEL'>,
  ) {
    this.logsEachDelivery = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'verbose';
    outcomes.startMetricsAtZero('webhook', WEBHOOK_FORMATS);
  }

  /** The webhook was deleted before the delivery went out. */
  gone(job: DeliveryJob): Settling {
    this.keyOrder.finished(job);
    this.metrics.attempt(meteredDestination(job), UNKNOWN_FORMAT, 'no_request');
    return this.outcomes.record(job, UNKNOWN_FORMAT, 'failed', noRequest(job, 'webhook no longer exists'), null);
  }

  /**
   * No request could be built from the event (a formatter or serialiser refused it, e.g. data nested too deep): that
   * repeats on every try, so the delivery fails for good now, with the reason, and its message is quarantined as it
   * came (re-serialising it could fail the same way), without holding the partition for retries.
   */
  async unpreparable(job: DeliveryJob, endpoint: Endpoint, message: InboundMessage, error: unknown): Promise<Settling> {
    const reason = `request could not be prepared: ${describe(error)}`;
    this.keyOrder.finished(job);
    this.metrics.attempt(meteredDestination(job), endpoint.settings.format, 'no_request');
    await this.deadLetters.quarantine(message, { reason: isStackOverflow(error) ? 'stack_overflow' : 'unpreparable', kind: 'poison', attempts: 1, error });
    await this.outcomes.emit(job, 'delivery.exhausted', { delivery_id: job.delivery_id, event_id: job.event.id, event_type: job.event.type, webhook_id: endpoint.id, attempts: job.attempt, error: reason });
    this.logger.warn({ msg: 'delivery failed for good', ...deliveryLogFields(job), reason });
    return this.outcomes.record(job, endpoint.settings.format, 'failed', noRequest(job, reason), null);
  }

  /**
   * This event can never be sent to this webhook (its payload template fails on it): the delivery fails for good
   * now with the reason, unretried and without counting toward auto-pause, since the receiver did nothing wrong.
   */
  unsendable(job: DeliveryJob, endpoint: Endpoint, reason: string): Promise<Settling> {
    this.metrics.attempt(meteredDestination(job), endpoint.settings.format, 'no_request');
    return this.exhaust(job, endpoint, noRequest(job, reason), reason);
  }

  /** The breaker is open: no request went out, and failing fast still counts toward auto-pause. */
  async breakerOpen(job: DeliveryJob, endpoint: Endpoint): Promise<Settling> {
    this.metrics.attempt(meteredDestination(job), endpoint.settings.format, 'no_request');
    await this.autoPause.recordFailure(job, endpoint);
    return this.retry(job, endpoint, noRequest(job, 'circuit breaker open: no request sent'), 'circuit breaker open', 0);
  }

  /**
   * A request went out (or was refused at connect): classify what came back and act on it. A success after a success
   * settles at once, without a promise (most do); anything else in turn.
   */
  attempted(job: DeliveryJob, endpoint: Endpoint, attemptedAt: Date, result: SendResult): Settling | Promise<Settling> {
    const { format, clientErrorsFinal } = endpoint.settings;
    const outcome = classifyAttempt(result, clientErrorsFinal);
    const attempt = attemptRecord(job, attemptedAt, result, outcome);
    if (result.kind === 'refused') this.metrics.attempt(meteredDestination(job), format, 'no_request');
    else this.metrics.attempt(meteredDestination(job), format, attempt.succeeded ? 'success' : 'failure', result.latencyMs / 1000);
    if (outcome.kind === 'delivered') return this.succeed(job, endpoint, attempt);
    return this.failed(job, endpoint, attempt, outcome);
  }

  private succeed(job: DeliveryJob, endpoint: Endpoint, attempt: AttemptRecord): Settling | Promise<Settling> {
    this.keyOrder.finished(job);
    const resetting = this.autoPause.recordSuccess(endpoint);
    if (resetting) return resetting.then(() => this.delivered(job, endpoint, attempt));
    return this.delivered(job, endpoint, attempt);
  }

  private delivered(job: DeliveryJob, endpoint: Endpoint, attempt: AttemptRecord): Settling {
    if (this.logsEachDelivery) this.logger.debug({ msg: 'delivered', ...deliveryLogFields(job), statusCode: attempt.statusCode, latencyMs: attempt.latencyMs });
    return this.outcomes.record(job, endpoint.settings.format, 'succeeded', attempt, null);
  }

  private async failed(job: DeliveryJob, endpoint: Endpoint, attempt: AttemptRecord, outcome: Exclude<AttemptOutcome, { kind: 'delivered' }>): Promise<Settling> {
    await this.autoPause.recordFailure(job, endpoint);
    if (outcome.kind === 'final') return this.exhaust(job, endpoint, attempt, outcome.reason);
    return this.retry(job, endpoint, attempt, outcome.reason, outcome.retryAfterMs);
  }

  private async retry(job: DeliveryJob, endpoint: Endpoint, attempt: AttemptRecord, reason: string, retryAfterMs: number): Promise<Settling> {
    const delayMs = nextRetryDelay({ schedule: endpoint.settings.retrySchedule }, job.attempt, retryAfterMs);
    if (delayMs === null) return this.exhaust(job, endpoint, attempt, reason);
    // Its key's later deliveries wait for it (key ordering): recorded before it leaves, so none can start meanwhile.
    this.keyOrder.leaving(job, endpoint, Date.now() + delayMs);
    await this.outcomes.scheduleRetry(job, Topics.webhookDeliveries, delayMs);
    this.logger.log({ msg: 'attempt failed; retry scheduled', ...deliveryLogFields(job), reason, delayMs });
    return this.outcomes.record(job, endpoint.settings.format, 'pending', attempt, new Date(Date.now() + delayMs));
  }

  private async exhaust(job: DeliveryJob, endpoint: Endpoint, attempt: AttemptRecord, reason: string): Promise<Settling> {
    this.keyOrder.finished(job);
    await this.outcomes.exhaust(job, reason, { webhook_id: endpoint.id });
    this.logger.warn({ msg: 'delivery failed for good', ...deliveryLogFields(job), reason });
    return this.outcomes.record(job, endpoint.settings.format, 'failed', attempt, null);
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

const isStackOverflow = (error: unknown) => error instanceof RangeError && /call stack/i.test(error.message);

function describe(error: unknown): string {
  if (isStackOverflow(error)) return `event data is nested too deeply to serialise (${(error as Error).message})`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
