import { Injectable } from '@nestjs/common';
import type { DeliveryJob } from '@herald/deliveries';
import type { Endpoint } from '../endpoints/endpoint';
import { AutoPause } from './auto-pause';
import { RateLimits } from './rate-limits';
import { Spillover } from './spillover';

/** Why a delivery does not go out now: held for a paused webhook, away behind its endpoint's spill, or waiting for its rate-limit slot. */
export type Admission = 'send' | 'held' | 'spilled' | 'deferred';

/** Whether a delivery may go out now, in this order: not while paused, not ahead of its endpoint's spilled deliveries, not before its rate-limit slot. */
@Injectable()
export class Admissions {
  constructor(
    private readonly autoPause: AutoPause,
    private readonly spillover: Spillover,
    private readonly rateLimits: RateLimits,
  ) {}

  async admit(job: DeliveryJob, endpoint: Endpoint, offset: bigint): Promise<Admission> {
    if ((await this.autoPause.holdIfPaused(job, endpoint)) === 'held') return 'held';
    if ((await this.spillover.followIfAway(job, endpoint, offset)) === 'spilled') return 'spilled';
    return this.rateLimits.admit(job, endpoint);
  }
}
