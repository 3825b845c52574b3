import { Injectable } from '@nestjs/common';
import { ReplayPacing, type DeliveryJob } from '@herald/deliveries';
import type { Endpoint } from '../endpoints/endpoint';
import { AutoPause } from './auto-pause';
import { RateLimits } from './rate-limits';

/** Why a delivery does not go out now: held for a paused webhook, or deferred to its rate-limit slot. */
export type Admission = 'send' | 'held' | 'deferred';

/**
 * Whether a delivery may go out now: not while its webhook is paused, not before its rate-limit slot, and a replayed
 * one not sooner after the webhook's previous replayed send than its replay's cap allows.
 */
@Injectable()
export class Admissions {
  constructor(
    private readonly autoPause: AutoPause,
    private readonly rateLimits: RateLimits,
    private readonly replayPacing: ReplayPacing,
  ) {}

  async admit(job: DeliveryJob, endpoint: Endpoint): Promise<Admission> {
    if ((await this.autoPause.holdIfPaused(job, endpoint)) === 'held') return 'held';
    if ((await this.rateLimits.admit(job, endpoint)) === 'deferred') return 'deferred';
    await this.replayPacing.wait(job);
    return 'send';
  }
}
