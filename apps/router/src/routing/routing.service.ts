import { Injectable, Logger } from '@nestjs/common';
import { deliveryId, serializeJob, type DeliveryJob } from '@herald/deliveries';
import { EventCatalog, type HeraldEvent } from '@herald/events';
import { KafkaProducer, settling, Topics, type OutboundMessage, type Settling } from '@herald/kafka';
import { DeliveryMetrics } from '@herald/observability';
import { matchSubscriptions } from './match';
import { SubscriptionCache } from './subscriptions';

const TOPIC_BY_KIND = { webhook: Topics.webhookDeliveries, email: Topics.emailDeliveries } as const;

/** Fans one accepted event out into one delivery job per matching destination. */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger('routing');

  constructor(
    private readonly catalog: EventCatalog,
    private readonly subscriptions: SubscriptionCache,
    private readonly producer: KafkaProducer,
    private readonly metrics: DeliveryMetrics,
  ) {}

  /** Queues the event's jobs on the producer; the returned promise settles when Kafka has them. */
  async route(event: HeraldEvent): Promise<Settling> {
    const { subscriptions, toggles } = await this.subscriptions.forOrg(event.org_id);
    const matched = matchSubscriptions(event, subscriptions, this.catalog, toggles);
    const batches = new Map<string, OutboundMessage[]>();
    for (const destination of matched) {
      const job: DeliveryJob = { delivery_id: deliveryId(event, destination.id), attempt: 1, destination: { kind: destination.kind, id: destination.id }, event };
      const topic = TOPIC_BY_KIND[destination.kind];
      batches.set(topic, [...(batches.get(topic) ?? []), { key: destination.id, value: serializeJob(job) }]);
      this.metrics.routed.inc({ channel: destination.kind });
    }
    this.logger.debug({ msg: 'routed', eventId: event.id, destinations: matched.length });
    return settling(this.producer.sendBatch([...batches].map(([topic, messages]) => ({ topic, messages }))));
  }
}
