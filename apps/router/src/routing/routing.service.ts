import { Injectable, Logger } from '@nestjs/common';
import { deliveriesTopic, deliveryId, DeliveryOutcomes, matchSubscriptions, serializeJob, type DeliveryJob } from '@herald/deliveries';
import { EventCatalog, type HeraldEvent } from '@herald/events';
import { KafkaProducer, settling, type OutboundMessage, type Settling } from '@herald/kafka';
import { DeliveryMetrics, startAtZero } from '@herald/observability';
import { eventAttributes, inSpan, SpanKind } from '@herald/tracing';
import { SubscriptionCache, type Freshness } from './subscriptions';

/** Fans one accepted event out into one delivery job per matching destination. */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger('routing');

  constructor(
    private readonly catalog: EventCatalog,
    private readonly subscriptions: SubscriptionCache,
    private readonly producer: KafkaProducer,
    private readonly metrics: DeliveryMetrics,
    private readonly outcomes: DeliveryOutcomes,
  ) {
    startAtZero(metrics.routed, { channel: ['webhook', 'email'] });
  }

  /**
   * Queues the event's jobs on the producer; the returned promise settles when Kafka has them. The event is matched
   * against subscriptions at least as new as `freshness` asks.
   */
  route(event: HeraldEvent, freshness: Freshness): Promise<Settling> {
    // The jobs are produced in the routing span: each delivery's trace continues from it.
    return inSpan('route event', SpanKind.CONSUMER, () => eventAttributes(event), async (span) => {
      const jobs = await this.jobsFor(event, freshness);
      const batches = new Map<string, OutboundMessage[]>();
      for (const job of jobs) {
        const topic = deliveriesTopic(job.destination.kind);
        const batch = batches.get(topic);
        const message = { key: job.destination.id, value: serializeJob(job) };
        if (batch) batch.push(message);
        else batches.set(topic, [message]);
        this.metrics.routed.inc({ channel: job.destination.kind });
      }
      span.setAttribute('herald.destinations', jobs.length);
      this.logger.debug({ msg: 'routed', eventId: event.id, destinations: jobs.length });
      return settling(this.producer.sendBatch([...batches].map(([topic, messages]) => ({ topic, messages }))));
    });
  }

  /**
   * The event could not be routed (its jobs exceed the broker's message size, or routing it fails every time)
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
