import { Injectable } from '@nestjs/common';
import { DeliveryOutcomes, type DeliveryJob } from '@herald/deliveries';
import { Topics } from '@herald/kafka';
import { DeliveryMetrics } from '@herald/observability';
import type { Endpoint } from '../endpoints/endpoint';
import { KeyOrder } from './key-order';

/**
 * Longest a delivery waits for its slot where it is. Slots further off happen when several deliveries of one
 * endpoint run at once (max_in_flight above 1); those wait in the retry tiers instead, so no handler sleeps for
 * long. One at a time (`endpoint` ordering), each delivery asks when the one before it has gone: at most 1/rate away.
 */
const MAX_WAIT_IN_PLACE_MS = 1_000;

/**
 * Per-webhook rate limits. A webhook's deliveries share one partition (they are keyed by webhook), so one sender
 * process sees all of them and its slots hold for the deployment; after a rebalance the new owner starts afresh.
 */
@Injectable()
export class RateLimits {
  constructor(
    private readonly outcomes: DeliveryOutcomes,
    private readonly metrics: DeliveryMetrics,
    private readonly keyOrder: KeyOrder,
  ) {}

  /** Resolves at the delivery's slot (`send`), or parks it until then (`deferred`: nothing more to do now). */
  async admit(job: DeliveryJob, endpoint: Endpoint, now = Date.now()): Promise<'send' | 'deferred'> {
    const rateLimit = endpoint.settings.rateLimit;
    if (rateLimit === null) return 'send';
    // A deferred job comes back holding its slot; a new one queues for the next.
    const wait = (job.slot_at ?? endpoint.reserveSlot(rateLimit, now)) - now;
    if (wait <= 0) return 'send';
    if (wait > MAX_WAIT_IN_PLACE_MS) {
      this.keyOrder.leaving(job, endpoint, now + wait, now);
      await this.outcomes.defer(job, Topics.webhookDeliveries, wait);
      return 'deferred';
    }
    this.metrics.rateLimited.inc({ channel: 'webhook', action: 'waited' });
    await new Promise((resolve) => setTimeout(resolve, wait));
    return 'send';
  }
}
