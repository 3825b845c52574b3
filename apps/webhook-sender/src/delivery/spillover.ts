import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { deliveryLogFields, DeliveryOutcomes, parseDeliveryJob, type DeliveryJob } from '@herald/deliveries';
import { ConsumerHooks, Topics, type InboundMessage } from '@herald/kafka';
import { SpillOrder, type SpillingJob } from '../endpoints/spill-order';
import { EndpointHealthMetrics } from './endpoint-health-metrics';

/** A spill that makes no progress for this many spill delays (its deliveries went to another sender) no longer holds others back. */
const SPILL_EXPIRES_AFTER_DELAYS = 12;

/**
 * Deliveries that leave their partition for a while because their endpoint has HERALD_ENDPOINT_MAX_QUEUED queued
 * there and crowds it (HERALD_ENDPOINT_SPILL_CROWDED_AT), so a slow endpoint never holds up the partition's
 * fetching. They go through the retry tier of HERALD_ENDPOINT_SPILL_DELAY as the same attempt (nothing is written
 * to the delivery log) and come back in order: the consumer asks, as each message arrives, whether it leaves, so that
 * while some of an endpoint's deliveries are away its later ones follow them out instead of overtaking them.
 */
@Injectable()
export class Spillover {
  private readonly logger = new Logger('spillover');
  /** Per endpoint with deliveries away; dropped once none are. */
  private readonly orders = new Map<string, SpillOrder>();
  /** Per endpoint: spills are produced one after another, in the order they were decided. */
  private readonly producing = new Map<string, Promise<void>>();

  constructor(
    private readonly outcomes: DeliveryOutcomes,
    private readonly endpointMetrics: EndpointHealthMetrics,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
    hooks: ConsumerHooks,
  ) {
    hooks.spillOverflow({
      maxQueuedPerKey: config.HERALD_ENDPOINT_MAX_QUEUED,
      crowdedAt: config.HERALD_ENDPOINT_SPILL_CROWDED_AT,
      leaves: (message, full) => this.leaves(message, full),
      spill: (message) => this.spill(message),
    });
  }

  /** Whether the message leaves its partition (`full`: its endpoint's queue has no room). Decided in partition order. */
  leaves(message: InboundMessage, full: boolean, now = Date.now()): boolean {
    const order = this.orders.get(message.key!);
    if (!order) return full;
    const job = readable(message);
    if (!job) return false; // the handler parks it on the dead-letter topic
    const leaves = order.mustLeave(job, full, now);
    if (order.isEmpty) this.orders.delete(message.key!);
    return leaves;
  }

  /** Takes the message out of its partition; resolves once it is safely in its retry tier. Its place is taken at once. */
  spill(message: InboundMessage, now = Date.now()): Promise<void> {
    const job = readable(message);
    if (!job) return Promise.resolve(this.outcomes.readJob(message)).then(() => undefined); // parks it
    const endpointId = job.destination.id;
    let order = this.orders.get(endpointId);
    if (!order) this.orders.set(endpointId, (order = new SpillOrder(this.config.HERALD_ENDPOINT_SPILL_DELAY * SPILL_EXPIRES_AFTER_DELAYS)));
    const seq = order.leave(job, now);
    const delayMs = this.config.HERALD_ENDPOINT_SPILL_DELAY;
    const produced = (this.producing.get(endpointId) ?? Promise.resolve()).then(() => this.outcomes.spill(job, seq, Topics.webhookDeliveries, delayMs, now));
    const settled = produced.catch(() => undefined);
    this.producing.set(endpointId, settled);
    void settled.then(() => this.producing.get(endpointId) === settled && this.producing.delete(endpointId));
    return produced.then(
      () => {
        this.endpointMetrics.spilled.inc();
        this.logger.debug({ msg: 'delivery left its partition for a while: its endpoint has too many queued', ...deliveryLogFields(job), delayMs });
      },
      (error: unknown) => {
        // It stays: the consumer hands it over again at its offset.
        order.stayed(seq, job.delivery_id);
        throw error;
      },
    );
  }
}

function readable(message: InboundMessage): (DeliveryJob & SpillingJob) | null {
  try {
    return parseDeliveryJob(message.value);
  } catch {
    return null;
  }
}
