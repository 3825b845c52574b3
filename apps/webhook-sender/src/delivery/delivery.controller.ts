import { Injectable } from '@nestjs/common';
import { DeliveryOutcomes } from '@herald/deliveries';
import { ConsumerHooks, Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { deliveryAttributes, inSpan, SpanKind } from '@herald/tracing';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** The webhook deliveries topic's handler: reads the job, then delivers it in a span of its own. */
@Injectable()
export class DeliveryController {
  constructor(
    private readonly delivery: WebhookDeliveryService,
    private readonly outcomes: DeliveryOutcomes,
    hooks: ConsumerHooks,
  ) {
    // A job that keeps failing (a formatter bug, data nested too deep) is `failed` in the log before it is quarantined.
    hooks.onQuarantine((message, failure) => this.outcomes.quarantined(message, failure));
    hooks.consume(Topics.webhookDeliveries, (message) => this.handle(message));
  }

  handle(message: InboundMessage): Promise<Settling | void> {
    const job = this.outcomes.readJob(message);
    if (job instanceof Promise) return job; // unreadable: parked
    return inSpan('deliver webhook', SpanKind.CONSUMER, () => deliveryAttributes(job), () => this.delivery.deliver(job, message));
  }
}
