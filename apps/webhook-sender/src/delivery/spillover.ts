import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { deliveryLogFields, DeliveryOutcomes, type DeliveryJob } from '@herald/deliveries';
import { ConsumerHooks, Topics, type InboundMessage } from '@herald/kafka';
import type { Endpoint } from '../endpoints/endpoint';
import { Endpoints } from '../endpoints/endpoints';
import { EndpointHealthMetrics } from './endpoint-health-metrics';

/** A spill not back after this many spill delays (its partition moved to another sender) no longer holds fresh jobs back. */
const SPILL_EXPIRES_AFTER_DELAYS = 12;

/**
 * Deliveries that leave their partition for a while because their endpoint has too many queued there, so a slow
 * endpoint never holds up the partition's commits and fetches. They go through the retry tiers as the same attempt
 * (nothing is written to the delivery log) and come back in order: while some are away, the endpoint's fresh jobs
 * follow them out instead of overtaking them. The consumer hands over what is beyond HERALD_ENDPOINT_MAX_QUEUED.
 */
@Injectable()
export class Spillover {
  private readonly logger = new Logger('spillover');

  constructor(
    private readonly outcomes: DeliveryOutcomes,
    private readonly endpoints: Endpoints,
    private readonly endpointMetrics: EndpointHealthMetrics,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
    hooks: ConsumerHooks,
  ) {
    hooks.spillOverflow({ maxQueuedPerKey: config.HERALD_ENDPOINT_MAX_QUEUED, spill: (message) => this.overflow(message) });
  }

  /** One delivery too many queued for its endpoint in the partition: out, to come back in order. */
  async overflow(message: InboundMessage): Promise<void> {
    const job = await this.outcomes.readJob(message);
    if (!job) return; // unreadable: parked on the dead-letter topic
    const endpoint = await this.endpoints.get(job);
    // A deleted webhook's delivery needs no place in line: it fails where it is.
    if (!endpoint) return this.outcomes.fail(job, 'webhook no longer exists');
    await this.spill(job, endpoint, BigInt(message.offset));
  }

  /** Takes the job at `offset` out of the partition; resolves once it is safely in its retry tier. */
  async spill(job: DeliveryJob, endpoint: Endpoint, offset: bigint, now = Date.now()): Promise<void> {
    const delayMs = this.config.HERALD_ENDPOINT_SPILL_DELAY;
    await endpoint.spillOut(job.delivery_id, offset, now, delayMs * SPILL_EXPIRES_AFTER_DELAYS, () =>
      this.outcomes.spill(job, Topics.webhookDeliveries, delayMs, now),
    );
    this.endpointMetrics.spilled.inc();
    this.logger.debug({ msg: 'delivery left its partition for a while: endpoint has too many queued', ...deliveryLogFields(job), delayMs });
  }

  /** `spilled` when the job must follow its endpoint's deliveries that are away, to keep its place behind them. */
  async followIfAway(job: DeliveryJob, endpoint: Endpoint, offset: bigint, now = Date.now()): Promise<'send' | 'spilled'> {
    if (!endpoint.mustFollowSpill(job, offset, now)) return 'send';
    await this.spill(job, endpoint, offset, now);
    return 'spilled';
  }
}
