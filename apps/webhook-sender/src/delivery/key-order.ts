import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { deliveryLogFields, DeliveryOutcomes, type DeliveryJob } from '@herald/deliveries';
import { Topics } from '@herald/kafka';
import type { Endpoint } from '../endpoints/endpoint';
import { KeyLine } from '../endpoints/key-line';

/** A line whose first delivery is this many spill delays late is given up (it went to another sender). */
const LINE_GRACE_DELAYS = 12;
const SWEEP_EVERY_MS = 60_000;

/**
 * Order per ordering key across retries, for webhooks with `key` ordering. The consumer already runs a key's
 * deliveries one at a time while they are in the partition; a delivery that leaves it (a retry, or a wait for its
 * rate-limit slot) would let the key's later ones overtake it. So while one is away, its key's later deliveries
 * leave too, through the spill tier, and come back behind it (KeyLine): one key's retry holds back that key only.
 */
@Injectable()
export class KeyOrder {
  private readonly logger = new Logger('key-order');
  /** Per endpoint and key with deliveries away; dropped once none are. */
  private readonly lines = new Map<string, KeyLine>();
  private sweptAt = 0;

  constructor(
    private readonly outcomes: DeliveryOutcomes,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  /** Whether any delivery of the job's key is away (only then can `admit` answer `behind`). */
  holdsLine(job: DeliveryJob, endpoint: Endpoint): boolean {
    const id = lineOf(job, endpoint);
    return id !== null && this.lines.has(id);
  }

  /** `go`, or `behind`: an earlier delivery of its key is away, so it left to come back behind it. */
  async admit(job: DeliveryJob, endpoint: Endpoint, now = Date.now()): Promise<'go' | 'behind'> {
    const id = lineOf(job, endpoint);
    const line = id === null ? undefined : this.lines.get(id);
    if (!line) return 'go';
    if (line.mayGo(job.delivery_id, now)) {
      if (line.isEmpty) this.lines.delete(id!);
      return 'go';
    }
    const delayMs = line.returnAt(now + this.config.HERALD_ENDPOINT_SPILL_DELAY) - now;
    await this.outcomes.holdBack(job, Topics.webhookDeliveries, delayMs, now);
    line.leave(job.delivery_id, now + delayMs);
    this.logger.debug({ msg: 'delivery held back behind an earlier one of its ordering key', ...deliveryLogFields(job), delayMs });
    return 'behind';
  }

  /** The delivery leaves its partition until `until` (a retry, a rate-limit slot): its key's later ones wait for it. */
  leaving(job: DeliveryJob, endpoint: Endpoint, until: number, now = Date.now()): void {
    const id = lineOf(job, endpoint);
    if (id === null) return;
    this.sweep(now);
    let line = this.lines.get(id);
    if (!line) this.lines.set(id, (line = new KeyLine(this.config.HERALD_ENDPOINT_SPILL_DELAY * LINE_GRACE_DELAYS)));
    line.leave(job.delivery_id, until);
  }

  /** The delivery is settled (succeeded, failed for good, held while paused): its key's next may go. */
  finished(job: DeliveryJob): void {
    const key = job.event.ordering_key;
    if (key === undefined) return;
    const id = lineId(job.destination.id, key);
    const line = this.lines.get(id);
    if (!line) return;
    line.done(job.delivery_id);
    if (line.isEmpty) this.lines.delete(id);
  }

  /** Drops lines given up, so keys that stop sending do not stay in memory. */
  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [id, line] of this.lines) if (line.expired(now)) this.lines.delete(id);
  }
}

function lineOf(job: DeliveryJob, endpoint: Endpoint): string | null {
  const key = job.event.ordering_key;
  return endpoint.settings.ordering === 'key' && key !== undefined ? lineId(job.destination.id, key) : null;
}

const lineId = (endpointId: string, key: string) => `${endpointId}\u0000${key}`;
