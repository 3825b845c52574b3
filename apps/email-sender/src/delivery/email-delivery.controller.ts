import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryOutcomes } from '@herald/deliveries';
import { Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { EmailDeliveryService } from './email-delivery.service';

@Controller()
export class EmailDeliveryController {
  constructor(
    private readonly delivery: EmailDeliveryService,
    private readonly outcomes: DeliveryOutcomes,
  ) {}

  @EventPattern(Topics.emailDeliveries)
  async handle(@Payload() message: InboundMessage): Promise<Settling | void> {
    const job = await this.outcomes.readJob(message);
    if (job) return this.delivery.deliver(job);
  }
}
