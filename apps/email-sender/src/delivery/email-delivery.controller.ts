import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InvalidDeliveryJobError, parseDeliveryJob } from '@herald/deliveries';
import { Headers, KafkaProducer, Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { EmailDeliveryService } from './email-delivery.service';

@Controller()
export class EmailDeliveryController {
  private readonly logger = new Logger('email-delivery');

  constructor(
    private readonly delivery: EmailDeliveryService,
    private readonly producer: KafkaProducer,
  ) {}

  @EventPattern(Topics.emailDeliveries)
  async handle(@Payload() message: InboundMessage): Promise<Settling | void> {
    let job;
    try {
      job = parseDeliveryJob(message.value);
    } catch (error) {
      if (!(error instanceof InvalidDeliveryJobError)) throw error;
      this.logger.error({ msg: 'unreadable delivery job', reason: error.message, partition: message.partition, offset: message.offset });
      await this.producer.send(Topics.dead, [{ key: message.key, value: message.value ?? '', headers: { [Headers.reason]: error.message, [Headers.sourceTopic]: message.topic } }]);
      return;
    }
    return this.delivery.deliver(job);
  }
}
