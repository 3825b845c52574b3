import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InvalidDeliveryJobError, parseDeliveryJob } from '@herald/deliveries';
import { Headers, KafkaProducer, Topics, type InboundMessage } from '@herald/kafka';

/**
 * Email deliveries. Until email channels exist (issue #5) the router produces no email jobs,
 * so any job found here is parked on the dead-letter topic with the reason, never dropped.
 */
@Controller()
export class EmailDeliveryController {
  private readonly logger = new Logger('email-delivery');

  constructor(private readonly producer: KafkaProducer) {}

  @EventPattern(Topics.emailDeliveries)
  async handle(@Payload() message: InboundMessage): Promise<void> {
    let reason = 'no email channel can deliver this job yet';
    try {
      parseDeliveryJob(message.value);
    } catch (error) {
      if (!(error instanceof InvalidDeliveryJobError)) throw error;
      reason = error.message;
    }
    this.logger.warn({ msg: 'email job dead-lettered', reason, partition: message.partition, offset: message.offset });
    await this.producer.send(Topics.dead, [{ key: message.key, value: message.value ?? '', headers: { [Headers.reason]: reason, [Headers.sourceTopic]: message.topic } }]);
  }
}
