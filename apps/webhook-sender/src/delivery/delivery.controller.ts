import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryOutcomes } from '@herald/deliveries';
import { Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { WebhookDeliveryService } from './webhook-delivery.service';

@Controller()
export class DeliveryController {
  constructor(
    private readonly delivery: WebhookDeliveryService,
    private readonly outcomes: DeliveryOutcomes,
  ) {}

  @EventPattern(Topics.webhookDeliveries)
  async handle(@Payload() message: InboundMessage): Promise<Settling | void> {
    const job = await this.outcomes.readJob(message);
    if (job) return this.delivery.deliver(job, message);
  }
}
