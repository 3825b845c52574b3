import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { deliveryLogFields, DeliveryOutcomes, meteredDestination, nextRetryDelay, ReplayPacing, type DeliveryJob, type RetryPolicy } from '@herald/deliveries';
import { Mailer, type EmailChannel, type OutgoingEmail, type SmtpResult } from '@herald/email';
import { Topics, type Settling } from '@herald/kafka';
import { DeliveryMetrics } from '@herald/observability';
import { EmailChannelRepository, type AttemptRecord } from '@herald/persistence';
import { deliveryAttributes, inSpan, SpanKind, SpanStatusCode } from '@herald/tracing';
import { MadeAttempts } from './made-attempts';

/** Emails have one format; the label matches the webhook formats' on the dashboards. */
const EMAIL = 'email';

/**
 * One email delivery attempt, top to bottom: skip a job whose attempt was made already → look up the channel → compose the message (its
 * Message-ID derived from the delivery id) → a replayed one waits for its replay's pace → send over SMTP → a 2xx answer succeeds, a
 * temporary failure retries on HERALD_EMAIL_RETRY_SCHEDULE, a permanent one (or the end of the
 * schedule) fails the delivery → record the attempt with the server's reply.
 */
@Injectable()
export class EmailDeliveryService {
  private readonly logger = new Logger('email-delivery');
  private readonly policy: RetryPolicy;

  constructor(
    private readonly channels: EmailChannelRepository,
    private readonly mailer: Mailer,
    private readonly outcomes: DeliveryOutcomes,
    private readonly metrics: DeliveryMetrics,
    private readonly replayPacing: ReplayPacing,
    private readonly madeAttempts: MadeAttempts,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.policy = { schedule: config.HERALD_EMAIL_RETRY_SCHEDULE };
    outcomes.startMetricsAtZero('email', [EMAIL]);
  }

  async deliver(job: DeliveryJob): Promise<Settling | void> {
    // A job read twice must not mail its recipients twice: unlike a webhook's receiver, they cannot tell a repeat.
    if (await this.madeAttempts.made(job)) {
      this.logger.log({ msg: 'attempt made already; job read again skipped', ...deliveryLogFields(job) });
      return;
    }
    return this.madeAttempts.recording(job, await this.attempt(job));
  }

  private async attempt(job: DeliveryJob): Promise<Settling> {
    const channel = await this.channels.findById(job.destination.id);
    if (!channel) {
      this.metrics.attempt(meteredDestination(job), EMAIL, 'no_request');
      return this.outcomes.record(job, EMAIL, 'failed', notSent(job, 'email channel no longer exists'), null);
    }

    const email = this.mailer.compose(job.event, job.delivery_id, channel);
    await this.replayPacing.wait(job);
    const attemptedAt = new Date();
    const result = await this.send(job, channel, email);
    const attempt = attemptRecord(job, attemptedAt, result);
    this.metrics.attempt(meteredDestination(job), EMAIL, result.kind === 'sent' ? 'success' : 'failure', result.latencyMs / 1000);

    if (result.kind === 'sent') {
      if (result.rejected.length > 0) this.logger.warn({ msg: 'recipients rejected; sent to the others', ...deliveryLogFields(job), rejected: result.rejected });
      else this.logger.debug({ msg: 'delivered', ...deliveryLogFields(job), latencyMs: result.latencyMs });
      return this.outcomes.record(job, EMAIL, 'succeeded', attempt, null);
    }
    if (!result.retryable) return this.exhaust(job, attempt, result.reason);
    return this.retry(job, attempt, result.reason);
  }

  /** The SMTP attempt in a span of its own. */
  private send(job: DeliveryJob, channel: EmailChannel, email: OutgoingEmail): Promise<SmtpResult> {
    return inSpan('smtp send', SpanKind.CLIENT, () => deliveryAttributes(job), async (span) => {
      const result = await this.mailer.send(channel, email);
      span.setAttribute('herald.attempt.latency_ms', result.latencyMs);
      if (result.responseCode !== null) span.setAttribute('smtp.response_code', result.responseCode);
      if (result.kind !== 'sent') span.setStatus({ code: SpanStatusCode.ERROR, message: result.reason });
      return result;
    });
  }

  private async retry(job: DeliveryJob, attempt: AttemptRecord, reason: string): Promise<Settling> {
    const delayMs = nextRetryDelay(this.policy, job.attempt);
    if (delayMs === null) return this.exhaust(job, attempt, reason);
    await this.outcomes.scheduleRetry(job, Topics.emailDeliveries, delayMs);
    this.logger.log({ msg: 'attempt failed; retry scheduled', ...deliveryLogFields(job), reason, delayMs });
    return this.outcomes.record(job, EMAIL, 'pending', attempt, new Date(Date.now() + delayMs));
  }

  private async exhaust(job: DeliveryJob, attempt: AttemptRecord, reason: string): Promise<Settling> {
    await this.outcomes.exhaust(job, reason, { email_channel_id: job.destination.id });
    this.logger.warn({ msg: 'delivery failed for good', ...deliveryLogFields(job), reason });
    return this.outcomes.record(job, EMAIL, 'failed', attempt, null);
  }
}

/** The log keeps the SMTP reply code and line where the HTTP status and body go for webhooks. */
function attemptRecord(job: DeliveryJob, attemptedAt: Date, result: SmtpResult): AttemptRecord {
  const base = { attempt: job.attempt, attemptedAt, statusCode: result.responseCode, latencyMs: result.latencyMs };
  if (result.kind === 'sent') {
    const rejected = result.rejected.map((r) => `${r.address} (${r.response})`).join('; ');
    return { ...base, responseBody: result.response, error: rejected ? `rejected recipients: ${rejected}` : null, succeeded: true };
  }
  return { ...base, responseBody: result.response, error: result.reason, succeeded: false };
}

function notSent(job: DeliveryJob, error: string): AttemptRecord {
  return { attempt: job.attempt, attemptedAt: new Date(), statusCode: null, latencyMs: 0, responseBody: null, error, succeeded: false };
}
