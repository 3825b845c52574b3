import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsumerHooks, DeadLetters, defer, Headers, KafkaProducer, RETRY_TIERS, Topics, type HandlerResult, type InboundMessage, type RetryTier } from '@herald/kafka';
import { RetryMetrics } from '@herald/observability';
import { decide } from './due';

/**
 * The retry tiers' handler: holds each retry until its due time by pausing its partition (never sleeping in the
 * handler), then sends it back to its deliveries topic unchanged.
 */
@Injectable()
export class RetryController {
  private readonly logger = new Logger('retry-scheduler');
  private readonly tierByTopic: ReadonlyMap<string, string>;

  constructor(
    private readonly producer: KafkaProducer,
    private readonly deadLetters: DeadLetters,
    private readonly metrics: RetryMetrics,
    @Inject(RETRY_TIERS) tiers: readonly RetryTier[],
    hooks: ConsumerHooks,
  ) {
    this.tierByTopic = new Map(tiers.map((tier) => [tier.topic, tier.name]));
    hooks.consume([...this.tierByTopic.keys()], (message) => this.handle(message));
  }

  async handle(message: InboundMessage): Promise<HandlerResult> {
    const now = Date.now();
    const decision = decide(message, now);
    if (decision.kind === 'wait') return defer(decision.until);
    if (decision.kind === 'invalid') {
      this.logger.error({ msg: 'unusable retry message', reason: decision.reason, topic: message.topic, offset: message.offset });
      await this.deadLetters.parkInbound(Topics.dead, 'invalid_retry', message, decision.reason);
      return;
    }
    // Its ordering key goes along (the sender places the job by it); the retry headers stay behind.
    const orderingKey = message.headers[Headers.orderingKey];
    await this.producer.send(decision.returnTo, [{ key: message.key, value: message.value ?? '', headers: orderingKey === undefined ? undefined : { [Headers.orderingKey]: orderingKey } }]);
    this.metrics.lateness.observe({ tier: this.tierByTopic.get(message.topic) ?? 'unknown' }, (now - decision.dueAt) / 1000);
  }
}
