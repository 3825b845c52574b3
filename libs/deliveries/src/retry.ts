import { Headers, parseDuration, tierFor, type OutboundMessage, type RetryTier } from '@herald/kafka';
import { jobMessage, type DeliveryJob } from './job';

export interface RetryPolicy {
  /** Delay before retry n+1 after attempt n failed, e.g. 5s,30s,2m. Its length is the number of retries. */
  schedule: readonly string[];
  /** ± fraction of each delay, so endpoints that failed together do not retry together. */
  jitter?: number;
}

/**
 * How long to wait after failed attempt `attempt` (1-based), or null when the schedule is used up.
 * A receiver's Retry-After is honoured as a floor.
 */
export function nextRetryDelay(policy: RetryPolicy, attempt: number, retryAfterMs = 0, random: () => number = Math.random): number | null {
  if (attempt < 1 || attempt > policy.schedule.length) return null;
  const base = parseDuration(policy.schedule[attempt - 1]);
  const jitter = policy.jitter ?? 0.1;
  const delay = Math.round(base * (1 + jitter * (2 * random() - 1)));
  return Math.max(delay, retryAfterMs);
}

/** The message that parks `job` in its retry tier until `now + delayMs`, then returns to `returnTo` as the next attempt. */
export function retryMessage(job: DeliveryJob, returnTo: string, delayMs: number, tiers: readonly RetryTier[], now = Date.now()): ParkedJob {
  // A retry queues for a new rate-limit slot: the one this attempt held is spent, and so is the resume it carried; a
  // replayed delivery's retry is no longer part of the replay's paced stream.
  return parkedJob({ ...job, attempt: job.attempt + 1, slot_at: undefined, resumed_at: undefined, spill_seq: undefined, replay_rate: undefined }, returnTo, delayMs, tiers, now);
}

/**
 * The message that parks `job` until `now + delayMs`, its rate-limit slot, then returns to `returnTo` as the same
 * attempt holding that slot: a deferral is not a failure and does not use up the retry schedule.
 */
export function deferMessage(job: DeliveryJob, returnTo: string, delayMs: number, tiers: readonly RetryTier[], now = Date.now()): ParkedJob {
  return parkedJob({ ...job, slot_at: now + delayMs }, returnTo, delayMs, tiers, now);
}

/**
 * The message that takes `job` out of its partition for `delayMs` because its endpoint has too many deliveries
 * queued (or behind an earlier one of its ordering key): it returns to `returnTo` as the same attempt, carrying `seq`,
 * its place among its endpoint's that spilled, if any.
 */
export function spillMessage(job: DeliveryJob, seq: number | undefined, returnTo: string, delayMs: number, tiers: readonly RetryTier[], now = Date.now()): ParkedJob {
  return parkedJob({ ...job, spill_seq: seq }, returnTo, delayMs, tiers, now);
}

export interface ParkedJob {
  tier: RetryTier;
  topic: string;
  message: OutboundMessage;
}

function parkedJob(next: DeliveryJob, returnTo: string, delayMs: number, tiers: readonly RetryTier[], now: number): ParkedJob {
  const tier = tierFor(delayMs, tiers);
  return {
    tier,
    topic: tier.topic,
    message: jobMessage(next, { [Headers.dueAt]: String(now + delayMs), [Headers.returnTo]: returnTo }),
  };
}
