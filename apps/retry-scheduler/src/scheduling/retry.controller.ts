import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { loadConfig } from '@herald/config';
import { defer, Headers, KafkaProducer, retryTiers, Topics, type HandlerResult, type InboundMessage } from '@herald/kafka';
import { decide } from './due';

/**
 * Holds each retry until its due time by pausing its partition (never sleeping in the
 * handler), then sends it back to its deliveries topic unchanged.
 */
/** Decorators are evaluated at load, so the tier topics come from the environment here. */
const TIER_TOPICS = retryTiers(loadConfig().HERALD_RETRY_TIERS).map((tier) => tier.topic);

@Controller()
export class RetryController {
  private readonly logger = new Logger('retry-scheduler');

  constructor(private readonly producer: KafkaProducer) {}

  @EventPattern(TIER_TOPICS)
  async handle(@Payload() message: InboundMessage): Promise<HandlerResult> {
    const decision = decide(message, Date.now());
    if (decision.kind === 'wait') return defer(decision.until);
    if (decision.kind === 'invalid') {
      this.logger.error({ msg: 'unusable retry message', reason: decision.reason, topic: message.topic, offset: message.offset });
      await this.producer.send(Topics.dead, [{ key: message.key, value: message.value ?? '', headers: { ...message.headers, [Headers.reason]: decision.reason, [Headers.sourceTopic]: message.topic } }]);
      return;
    }
    await this.producer.send(decision.returnTo, [{ key: message.key, value: message.value ?? '' }]);
  }
}
