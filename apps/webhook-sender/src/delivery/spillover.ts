import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { deliveryLogFields, DeliveryOutcomes, type DeliveryJob } from '@herald/deliveries';
import { ConsumerHooks, Topics, type InboundMessage } from '@herald/kafka';
import type { Endpoint } from '../endpoints/endpoint';
import { Endpoints } from '../endpoints/endpoints';
import { EndpointHealthMetrics } from './endpoint-health-metrics';

/** A spill that makes no progress for this many spill delays (its deliveries went to another sender) no longer holds others back. */
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
    await endpoint.spillOut(job, offset, now, this.expiresAfterMs(), (seq) => this.outcomes.spill(job, seq, Topics.webhookDeliveries, delayMs, now));
    this.endpointMetrics.spilled.inc();
    this.logger.debug({ msg: 'delivery left its partition for a while: endpoint has too many queued', ...deliveryLogFields(job), delayMs });
  }

  private expiresAfterMs(): number {
    return this.config.HERALD_ENDPOINT_SPILL_DELAY * SPILL_EXPIRES_AFTER_DELAYS;
  }

  /** `spilled` when the job must follow its endpoint's deliveries that are away, to keep its place behind them. */
  async followIfAway(job: DeliveryJob, endpoint: Endpoint, offset: bigint, now = Date.now()): Promise<'send' | 'spilled'> {
    if (!endpoint.mustFollowSpill(job, offset, now, this.expiresAfterMs())) return 'send';
    await this.spill(job, endpoint, offset, now);
    return 'spilled';
  }
}
