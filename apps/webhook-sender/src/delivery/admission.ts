import { Injectable } from '@nestjs/common';
import { ReplayPacing, type DeliveryJob } from '@herald/deliveries';
import type { Endpoint } from '../endpoints/endpoint';
import { AutoPause } from './auto-pause';
import { KeyOrder } from './key-order';
import { RateLimits } from './rate-limits';

/**
 * Why a delivery does not go out now: held for a paused webhook, behind an earlier delivery of its ordering key that
 * is away, or waiting for its rate-limit slot.
 */
export type Admission = 'send' | 'held' | 'behind' | 'deferred';

/**
 * Whether a delivery may go out now: not while its webhook is paused, not before an earlier delivery of its ordering
 * key that is being retried, not before its rate-limit slot, and a replayed one not sooner after the webhook's
 * previous replayed send than its replay's cap allows.
 */
@Injectable()
export class Admissions {
  constructor(
    private readonly autoPause: AutoPause,
    private readonly rateLimits: RateLimits,
    private readonly keyOrder: KeyOrder,
    private readonly replayPacing: ReplayPacing,
  ) {}

  /**
   * `send` at once when nothing can hold the delivery back (not paused, no rate limit, not a paced replay, no delivery
   * of its key away), as most cannot: no promise and no turn of the microtask queue for them. Otherwise each step in
   * turn.
   */
  admit(job: DeliveryJob, endpoint: Endpoint): Admission | Promise<Admission> {
    const { paused, rateLimit } = endpoint.settings;
    if (!paused && rateLimit === null && job.replay_rate === undefined && !this.keyOrder.holdsLine(job, endpoint)) return 'send';
    return this.admitInTurn(job, endpoint);
  }

  private async admitInTurn(job: DeliveryJob, endpoint: Endpoint): Promise<Admission> {
    if ((await this.autoPause.holdIfPaused(job, endpoint)) === 'held') {
      // Held until a resume replays the webhook's held deliveries, in order: it no longer holds its key here.
      this.keyOrder.finished(job);
      return 'held';
    }
    if ((await this.keyOrder.admit(job, endpoint)) === 'behind') return 'behind';
    if ((await this.rateLimits.admit(job, endpoint)) === 'deferred') return 'deferred';
    await this.replayPacing.wait(job);
    return 'send';
  }
}
