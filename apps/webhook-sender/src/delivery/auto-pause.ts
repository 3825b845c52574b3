import { Injectable, Logger } from '@nestjs/common';
import { deliveryLogFields, deliveryRef, DeliveryOutcomes, type DeliveryJob } from '@herald/deliveries';
import { DeliveryMetrics } from '@herald/observability';
import { DeliveryRepository, WebhookRepository } from '@herald/persistence';
import type { Endpoint } from '../endpoints/endpoint';
import { EndpointHealthMetrics } from './endpoint-health-metrics';

/**
 * Auto-pause: a webhook's consecutive failures pause it once they reach its threshold, and while it is
 * paused its deliveries are held (in order) until an operator resumes it. A success resets the count.
 */
@Injectable()
export class AutoPause {
  private readonly logger = new Logger('auto-pause');

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly outcomes: DeliveryOutcomes,
    private readonly metrics: DeliveryMetrics,
    private readonly endpointMetrics: EndpointHealthMetrics,
  ) {}

  /** `held` while the webhook is paused; `send` otherwise (a webhook resumed since last looked starts afresh). */
  async holdIfPaused(job: DeliveryJob, endpoint: Endpoint, now = Date.now()): Promise<'held' | 'send'> {
    if (!endpoint.settings.paused) return 'send';
    if (await this.deliveries.holdIfPaused(deliveryRef(job), job.attempt - 1)) {
      this.metrics.held.inc({ channel: 'webhook' });
      return 'held';
    }
    // Resumed since we last looked: a resumed endpoint starts with a closed breaker and fresh settings.
    endpoint.reset(now);
    endpoint.settings = { ...endpoint.settings, paused: false };
    return 'send';
  }

  /** A promise only when there is a failure count to reset: most successes follow successes. */
  recordSuccess(endpoint: Endpoint): Promise<void> | undefined {
    const failedHere = endpoint.failing;
    endpoint.failing = false;
    if (failedHere || endpoint.settings.consecutiveFailures > 0) return this.webhooks.resetFailures(endpoint.id);
  }

  /** A failed attempt counts toward auto-pause; the failure that reaches the threshold announces it. */
  async recordFailure(job: DeliveryJob, endpoint: Endpoint): Promise<void> {
    endpoint.failing = true;
    if (!(await this.webhooks.recordFailure(endpoint.id))) return;
    endpoint.expire();
    this.endpointMetrics.autoPaused.inc();
    // No URL: for Slack, Teams and Discord the URL is the credential.
    await this.outcomes.emit(job, 'webhook.paused', { webhook_id: endpoint.id, consecutive_failures: endpoint.settings.pauseAfterFailures });
    this.logger.warn({ msg: 'webhook paused after consecutive failures', ...deliveryLogFields(job) });
  }
}
