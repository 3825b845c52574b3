import { Injectable } from '@nestjs/common';
import type { DeliveryJob } from './job';

/** Destinations remembered at most; past this, those whose next slot has passed are forgotten. */
const MAX_DESTINATIONS = 10_000;

/**
 * Spaces the sends of replayed deliveries (jobs with `replay_rate`), per destination: each at least 1000 / rate ms
 * after the previous one actually went. The replay runner paces what it produces, but Kafka hands a sender whatever
 * arrived meanwhile in one fetch, so a hold-up on the way would reach the receiver as a bunch above the cap.
 * A destination's jobs share one partition, so one sender process sees all of them. Live deliveries never wait here.
 */
@Injectable()
export class ReplayPacing {
  /** Per destination, the earliest time (epoch ms) its next replayed send may go. */
  private readonly nextSendAt = new Map<string, number>();

  async wait(job: DeliveryJob): Promise<void> {
    if (job.replay_rate === undefined) return;
    const key = `${job.destination.kind}:${job.destination.id}`;
    const interval = 1000 / job.replay_rate;
    const now = Date.now();
    const at = Math.max(now, this.nextSendAt.get(key) ?? now);
    this.remember(key, at + interval, now);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    // Woken late (a busy event loop): the next one is spaced from when this one really goes.
    const sentAt = Date.now();
    if (sentAt > at) this.remember(key, Math.max(this.nextSendAt.get(key) ?? 0, sentAt + interval), sentAt);
  }

  private remember(key: string, nextAt: number, now: number): void {
    if (this.nextSendAt.size >= MAX_DESTINATIONS && !this.nextSendAt.has(key)) {
      for (const [other, at] of this.nextSendAt) if (at <= now) this.nextSendAt.delete(other);
    }
    this.nextSendAt.set(key, nextAt);
  }
}
