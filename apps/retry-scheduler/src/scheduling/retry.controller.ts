import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { loadConfig } from '@herald/config';
import { DeadLetters, defer, KafkaProducer, retryTiers, Topics, type HandlerResult, type InboundMessage } from '@herald/kafka';
import { RetryMetrics } from '@herald/observability';
import { decide } from './due';

/**
 * Holds each retry until its due time by pausing its partition (never sleeping in the
 * handler), then sends it back to its deliveries topic unchanged.
 */
/** Decorators are evaluated at load, so the tier topics come from the environment here. */
const TIERS = retryTiers(loadConfig().HERALD_RETRY_TIERS);
const TIER_TOPICS = TIERS.map((tier) => tier.topic);
const TIER_BY_TOPIC = new Map(TIERS.map((tier) => [tier.topic, tier.name]));

@Controller()
export class RetryController {
  private readonly logger = new Logger('retry-scheduler');

  constructor(
    private readonly producer: KafkaProducer,
    private readonly deadLetters: DeadLetters,
    private readonly metrics: RetryMetrics,
  ) {}

  @EventPattern(TIER_TOPICS)
  async handle(@Payload() message: InboundMessage): Promise<HandlerResult> {
    const now = Date.now();
    const decision = decide(message, now);
    if (decision.kind === 'wait') return defer(decision.until);
    if (decision.kind === 'invalid') {
      this.logger.error({ msg: 'unusable retry message', reason: decision.reason, topic: message.topic, offset: message.offset });
      await this.deadLetters.parkInbound(Topics.dead, 'invalid_retry', message, decision.reason);
      return;
    }
    await this.producer.send(decision.returnTo, [{ key: message.key, value: message.value ?? '' }]);
    this.metrics.lateness.observe({ tier: TIER_BY_TOPIC.get(message.topic) ?? 'unknown' }, (now - decision.dueAt) / 1000);
  }
}
