import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { parseAcceptedEvent, type HeraldEvent } from '@herald/events';
import { ConsumerHooks, DeadLetters, Headers, Topics, type InboundMessage, type QuarantineFailure, type Settling } from '@herald/kafka';
import { describeError } from '@herald/observability';
import { RoutingService } from './routing.service';

@Controller()
export class RoutingController {
  private readonly logger = new Logger('routing');

  constructor(
    private readonly routing: RoutingService,
    private readonly deadLetters: DeadLetters,
    hooks: ConsumerHooks,
  ) {
    hooks.onQuarantine((message, failure) => this.quarantined(message, failure));
  }

  @EventPattern(Topics.accepted)
  async handle(@Payload() message: InboundMessage): Promise<Settling | void> {
    let event: HeraldEvent;
    try {
      event = parseAcceptedEvent(message.value);
    } catch (error) {
      // Only ingest writes this topic, so this is a bug upstream: park it where operators look.
      const reason = describeError(error).message;
      this.logger.error({ msg: 'unreadable accepted event', reason, offset: message.offset, partition: message.partition });
      await this.deadLetters.parkInbound(Topics.eventsDlq, 'unreadable_event', message, reason);
      return;
    }
    return this.routing.route(event, { receivedAt: message.receivedAt, recordedVersion: message.headers[Headers.subscriptionsVersion] });
  }

  /** An event the router cannot route (e.g. its jobs are over the broker's size limit): its deliveries end `failed`. */
  private async quarantined(message: InboundMessage, failure: QuarantineFailure): Promise<void> {
    let event: HeraldEvent;
    try {
      event = parseAcceptedEvent(message.value);
    } catch {
      return;
    }
    await this.routing.fail(event, `not routed, quarantined (${failure.reason}): ${describeError(failure.error).message}`);
  }
}
