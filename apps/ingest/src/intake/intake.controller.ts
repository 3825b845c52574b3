import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ConsumerHooks, Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { IntakeService } from './intake.service';

@Controller()
export class IntakeController {
  constructor(
    private readonly intake: IntakeService,
    hooks: ConsumerHooks,
  ) {
    hooks.onQuarantine((message, failure) => this.intake.quarantined(message, failure));
  }

  @EventPattern(Topics.events)
  handle(@Payload() message: InboundMessage): Promise<Settling | void> {
    return this.intake.ingestMessage(message);
  }
}
