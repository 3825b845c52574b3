import { Injectable } from '@nestjs/common';
import { deliveriesTopic, deliveryId, DeliveryOutcomes, jobMessage, matchSubscriptions, type DeliveryJob } from '@herald/deliveries';
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
    for (const job of await this.jobsFor(event, freshness)) {
      const topic = deliveriesTopic(job.destination.kind);
      const batch = batches.get(topic);
      const message = jobMessage(job);
      if (batch) batch.push(message);
      else batches.set(topic, [message]);
      this.metrics.routed.inc({ channel: job.destination.kind });
    }
    return [...batches].map(([topic, messages]) => ({ topic, messages }));
  }

  /**
   * The event could not be published (its jobs exceed the broker's message size, or publishing it fails every time)
   * and is being quarantined: each delivery it should have made ends `failed` with the reason.
   */
  async fail(event: HeraldEvent, reason: string): Promise<void> {
    for (const job of await this.jobsFor(event, { receivedAt: Date.now() })) await this.outcomes.fail(job, reason);
  }

  private async jobsFor(event: HeraldEvent, freshness: Freshness): Promise<DeliveryJob[]> {
    const { subscriptions, toggles } = await this.subscriptions.forOrg(event.org_id, freshness);
    return matchSubscriptions(event, subscriptions, this.catalog, toggles).map((destination) => ({
      delivery_id: deliveryId(event, destination.id),
      attempt: 1,
      destination: { kind: destination.kind, id: destination.id },
      event,
    }));
  }
}
