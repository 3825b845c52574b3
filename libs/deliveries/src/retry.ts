import { Headers, parseDuration, tierFor, type OutboundMessage, type RetryTier } from '@herald/kafka';
import { serializeJob, type DeliveryJob } from './job';

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

/** The message that parks `job` in its retry tier until `now + delayMs`, then returns to `returnTo`. */
export function retryMessage(
  job: DeliveryJob,
  returnTo: string,
  delayMs: number,
  tiers: readonly RetryTier[],
  now = Date.now(),
): { tier: RetryTier; topic: string; message: OutboundMessage } {
  const tier = tierFor(delayMs, tiers);
  const next: DeliveryJob = { ...job, attempt: job.attempt + 1 };
  return {
    tier,
    topic: tier.topic,
    message: {
      key: job.destination.id,
      value: serializeJob(next),
      headers: { [Headers.dueAt]: String(now + delayMs), [Headers.returnTo]: returnTo },
    },
  };
}
