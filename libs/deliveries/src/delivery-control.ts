import { Injectable } from '@nestjs/common';
import { KafkaProducer, Topics } from '@herald/kafka';
import { DeliveryRepository, type StoredDelivery } from '@herald/persistence';
import { jobMessage, type DeliveryJob, type DestinationKind } from './job';

const TOPIC_BY_KIND: Record<DestinationKind, string> = { webhook: Topics.webhookDeliveries, email: Topics.emailDeliveries };

/** The topic a destination's delivery jobs go to. */
export function deliveriesTopic(kind: DestinationKind): string {
  return TOPIC_BY_KIND[kind];
}

export class UnknownDeliveryError extends Error {
  override name = 'UnknownDeliveryError';
}

/** The job that sends a stored delivery once more, as its next attempt. */
export function jobFor({ delivery, event }: StoredDelivery): DeliveryJob {
  return {
    delivery_id: delivery.id,
    attempt: delivery.attempts + 1,
    destination: { kind: delivery.destinationKind as DestinationKind, id: delivery.destinationId },
    event,
  };
}

/** Operator actions on deliveries, shared by the admin API and the senders. */
@Injectable()
export class DeliveryControl {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly producer: KafkaProducer,
  ) {}

  /** Unpauses the webhook and replays what was held while it was paused, oldest first. */
  async resume(webhookId: string, now = Date.now()): Promise<{ replayed: number }> {
    const replayed = await this.deliveries.resumeWebhook(webhookId, async (held) => {
      // One send keyed by the webhook: one partition, so the order survives. Each job carries the resume, so whichever
      // sender replica takes it closes the endpoint's breaker before sending (read-your-writes).
      await this.producer.send(
        Topics.webhookDeliveries,
        held.map((stored) => jobMessage({ ...jobFor(stored), resumed_at: now })),
      );
    });
    return { replayed };
  }

  /** Sends one delivery again now, whatever its status. */
  async retry(deliveryId: string): Promise<DeliveryJob> {
    const stored = await this.deliveries.findWithEvent(deliveryId);
    if (!stored) throw new UnknownDeliveryError(`no delivery ${deliveryId}`);
    const job = jobFor(stored);
    await this.producer.send(deliveriesTopic(job.destination.kind), [jobMessage(job)]);
    return job;
  }
}
