import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { parseAcceptedEvent, type HeraldEvent } from '@herald/events';
import { DeadLetters, Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { RoutingService } from './routing.service';

@Controller()
export class RoutingController {
  private readonly logger = new Logger('routing');

  constructor(
    private readonly routing: RoutingService,
    private readonly deadLetters: DeadLetters,
  ) {}

  @EventPattern(Topics.accepted)
  async handle(@Payload() message: InboundMessage): Promise<Settling | void> {
    let event: HeraldEvent;
    try {
      event = parseAcceptedEvent(message.value);
    } catch (error) {
      // Only ingest writes this topic, so this is a bug upstream: park it where operators look.
      this.logger.error({ msg: 'unreadable accepted event', offset: message.offset, partition: message.partition });
      await this.deadLetters.parkInbound(Topics.eventsDlq, 'unreadable_event', message, String(error));
      return;
    }
    return this.routing.route(event);
  }
}
