import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { DeliveryOutcomes, parseDeliveryJob } from '@herald/deliveries';
import { ConsumerHooks, describeError, type InboundMessage, type QuarantineFailure } from '@herald/kafka';
import { Endpoints } from '../endpoints/endpoints';
import { Settlement } from './settlement';
import { Spillover } from './spillover';

/**
 * What the webhook sender plugs into its consumer: where deliveries beyond an endpoint's bound go (they spill, in
 * order, so a slow endpoint costs only itself), and what a quarantined job leaves in the delivery log (`failed`,
 * with the reason).
 */
@Injectable()
export class WebhookConsumerHooks {
  private readonly logger = new Logger('webhook-consumer');

  constructor(
    hooks: ConsumerHooks,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
    private readonly outcomes: DeliveryOutcomes,
    private readonly endpoints: Endpoints,
    private readonly spillover: Spillover,
    private readonly settlement: Settlement,
  ) {
    hooks.spillOverflow({ maxQueuedPerKey: config.HERALD_ENDPOINT_MAX_QUEUED, spill: (message) => this.spill(message) });
    hooks.onQuarantine((message, failure) => this.recordQuarantined(message, failure));
  }

  /** One delivery too many queued for its endpoint: out of the partition, to come back in order. */
  async spill(message: InboundMessage): Promise<void> {
    const job = await this.outcomes.readJob(message);
    if (!job) return; // unreadable: parked on the dead-letter topic
    const endpoint = await this.endpoints.get(job);
    if (!endpoint) return this.settlement.gone(job).durable;
    await this.spillover.spill(job, endpoint, BigInt(message.offset));
  }

  /**
   * Marks the job's delivery failed with the reason. Best effort: the message is quarantined either way (with its
   * source position), and a job whose own content is what the log cannot store must not block its quarantine.
   */
  async recordQuarantined(message: InboundMessage, failure: QuarantineFailure): Promise<void> {
    try {
      await this.settlement.quarantined(parseDeliveryJob(message.value), failure).durable;
    } catch (error) {
      this.logger.error({ msg: 'could not record a quarantined delivery as failed', topic: message.topic, partition: message.partition, offset: message.offset, error: describeError(error) });
    }
  }
}
