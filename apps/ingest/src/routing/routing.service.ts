import { Injectable } from '@nestjs/common';
import { deliveriesTopic, DeliveryOutcomes, firstAttempts, firstJobs, matchSubscriptions, type Destination } from '@herald/deliveries';
import { EventCatalog, type HeraldEvent } from '@herald/events';
import type { OutboundMessage } from '@herald/kafka';
import { DeliveryMetrics, startAtZero } from '@herald/observability';
import { SubscriptionCache, type Freshness } from './subscriptions';

/** Delivery jobs bound for one deliveries topic. */
export interface TopicBatch {
  topic: string;
  messages: OutboundMessage[];
}

/** Fans one accepted event out into one delivery job per matching destination. */
@Injectable()
export class RoutingService {
  constructor(
    private readonly catalog: EventCatalog,
    private readonly subscriptions: SubscriptionCache,
    private readonly metrics: DeliveryMetrics,
    private readonly outcomes: DeliveryOutcomes,
  ) {
    startAtZero(metrics.routed, { channel: ['webhook', 'email'] });
  }

  /**
   * The event's jobs, keyed by destination, per deliveries topic; matched against subscriptions at least as new as
   * `freshness` asks. Counted as routed: the caller produces them.
   */
  async route(event: HeraldEvent, freshness: Freshness): Promise<TopicBatch[]> {
    const batches = new Map<string, OutboundMessage[]>();
    const { jobs, messages } = firstAttempts(event, await this.destinationsOf(event, freshness));
    jobs.forEach(({ destination }, n) => {
      const topic = deliveriesTopic(destination.kind);
      const batch = batches.get(topic);
      if (batch) batch.push(messages[n]);
      else batches.set(topic, [messages[n]]);
      this.metrics.routed.inc({ channel: destination.kind });
    });
    return [...batches].map(([topic, messages]) => ({ topic, messages }));
  }

  /**
   * The event could not be published (its jobs exceed the broker's message size, or publishing it fails every time)
   * and is being quarantined: each delivery it should have made ends `failed` with the reason.
   */
  async fail(event: HeraldEvent, reason: string): Promise<void> {
    const jobs = firstJobs(event, await this.destinationsOf(event, { receivedAt: Date.now() }));
    for (const job of jobs) await this.outcomes.fail(job, reason);
  }

  private async destinationsOf(event: HeraldEvent, freshness: Freshness): Promise<Destination[]> {
    const { subscriptions, toggles } = await this.subscriptions.forOrg(event.org_id, freshness);
    return matchSubscriptions(event, subscriptions, this.catalog, toggles);
  }
}
