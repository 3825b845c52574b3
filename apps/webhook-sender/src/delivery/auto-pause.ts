import { Injectable, Logger } from '@nestjs/common';
import { deliveryLogFields, deliveryRef, DeliveryOutcomes, type DeliveryJob } from '@herald/deliveries';
import { DeliveryMetrics } from '@herald/observability';
import { DeliveryRepository, WebhookRepository } from '@herald/persistence';
import { EndpointBreakers } from './endpoint-breakers';
import { EndpointHealthMetrics } from './endpoint-health-metrics';
import { WebhookDirectory, type WebhookSettings } from './webhook-directory';

/**
 * Auto-pause: a webhook's consecutive failures pause it once they reach its threshold, and while it is
 * paused its deliveries are held (in order) until an operator resumes it. A success resets the count.
 */
@Injectable()
export class AutoPause {
  private readonly logger = new Logger('auto-pause');
  /** Endpoints that failed here since their last success: a success must reset their count. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly directory: WebhookDirectory,
    private readonly breakers: EndpointBreakers,
    private readonly webhooks: WebhookRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly outcomes: DeliveryOutcomes,
    private readonly metrics: DeliveryMetrics,
    private readonly endpointMetrics: EndpointHealthMetrics,
  ) {}

  /** `held` when the webhook is still paused; otherwise the settings to send with (resumed since last looked). */
  async holdIfPaused(job: DeliveryJob, webhook: WebhookSettings): Promise<WebhookSettings | 'held'> {
    if (!webhook.paused) return webhook;
    if (await this.deliveries.holdIfPaused(deliveryRef(job), job.attempt - 1)) {
      this.metrics.held.inc({ channel: 'webhook' });
      return 'held';
    }
    // Resumed since we last looked: a resumed endpoint starts with a closed breaker.
    this.directory.forget(webhook.id);
    this.breakers.reset(webhook.id);
    return { ...webhook, paused: false };
  }

  async recordSuccess(webhook: WebhookSettings): Promise<void> {
    if (this.failing.delete(webhook.id) || webhook.consecutiveFailures > 0) await this.webhooks.resetFailures(webhook.id);
  }

  /** A failed attempt counts toward auto-pause; the failure that reaches the threshold announces it. */
  async recordFailure(job: DeliveryJob, webhook: WebhookSettings): Promise<void> {
    this.failing.add(webhook.id);
    if (!(await this.webhooks.recordFailure(webhook.id))) return;
    this.directory.forget(webhook.id);
    this.endpointMetrics.autoPaused.inc();
    // No URL: for Slack, Teams and Discord the URL is the credential.
    await this.outcomes.emit(job, 'webhook.paused', { webhook_id: webhook.id, consecutive_failures: webhook.pauseAfterFailures });
    this.logger.warn({ msg: 'webhook paused after consecutive failures', ...deliveryLogFields(job) });
  }
}
