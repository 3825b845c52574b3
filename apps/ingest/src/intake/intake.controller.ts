import { Injectable } from '@nestjs/common';
import { ConsumerHooks, Topics, type InboundMessage, type Settling } from '@herald/kafka';
import { IntakeService } from './intake.service';

/** The events topic's handler. */
@Injectable()
export class IntakeController {
  constructor(
    private readonly intake: IntakeService,
    hooks: ConsumerHooks,
  ) {
    hooks.onQuarantine((message, failure) => this.intake.quarantined(message, failure));
    hooks.consume(Topics.events, (message) => this.handle(message));
  }

  handle(message: InboundMessage): Promise<Settling | void> {
    return this.intake.ingestMessage(message);
  }
}
