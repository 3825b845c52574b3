import { Injectable } from '@nestjs/common';
import type { DeliveryJob } from './job';

/** Destinations remembered at most; past this, those whose next slot has passed are forgotten. */
const MAX_DESTINATIONS = 10_000;

/** One destination's replayed sends: the earliest time (epoch ms) the next may be given, and when the last went. */
interface Slots {
  nextAt: number;
  lastSentAt: number;
}

/**
 * Spaces the sends of replayed deliveries (jobs with `replay_rate`), per destination: each at least 1000 / rate ms
 * after the previous one actually went. The replay runner paces what it produces, but Kafka hands a sender whatever
 * arrived meanwhile in one fetch, so a hold-up on the way would reach the receiver as a bunch above the cap.
 * A destination's jobs share one partition, so one sender process sees all of them. Live deliveries never wait here.
 */
@Injectable()
export class ReplayPacing {
  private readonly destinations = new Map<string, Slots>();

  async wait(job: DeliveryJob): Promise<void> {
    if (job.replay_rate === undefined) return;
    const interval = 1000 / job.replay_rate;
    const arrivedAt = this.now();
    const slots = this.slots(`${job.destination.kind}:${job.destination.id}`, arrivedAt);
    let at = Math.max(arrivedAt, slots.nextAt);
    slots.nextAt = at + interval;
    // A busy event loop wakes several waits in one turn, each past its slot: one goes, the others wait again
    // until `interval` after it, so late sends never reach the receiver together.
    for (let now = arrivedAt; at > now; now = this.now()) {
      await this.sleep(at - now);
      at = Math.max(at, slots.lastSentAt + interval);
    }
    const sentAt = this.now();
    slots.lastSentAt = sentAt;
    slots.nextAt = Math.max(slots.nextAt, sentAt + interval);
  }

  protected now(): number {
    return Date.now();
  }

  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private slots(key: string, now: number): Slots {
    let slots = this.destinations.get(key);
    if (slots) return slots;
    if (this.destinations.size >= MAX_DESTINATIONS) {
      for (const [other, { nextAt }] of this.destinations) if (nextAt <= now) this.destinations.delete(other);
    }
    this.destinations.set(key, (slots = { nextAt: now, lastSentAt: -Infinity }));
    return slots;
  }
}
