import type { SendResult, WebhookTarget } from '@herald/webhook-transport';
import { attemptHealth, Breaker, type BreakerPolicy } from './breaker';
import { SpillOrder, type SpillingJob } from './spill-order';

/** Everything the sender needs to know about a webhook to deliver to it. */
export interface WebhookSettings extends WebhookTarget {
  orgId: string;
  retrySchedule: string[];
  clientErrorsFinal: boolean;
  paused: boolean;
  consecutiveFailures: number;
  pauseAfterFailures: number;
  /** Requests per second at most; null: unlimited. */
  rateLimit: number | null;
  /** When the settings last changed (an edit, a resume): a newer version starts the endpoint afresh. */
  version: number;
}

export type SendOutcome = { kind: 'sent'; result: SendResult } | { kind: 'open' };

/**
 * One webhook as this sender process works for it: its settings and secrets, its breaker, whether it failed since its
 * last success, its rate-limit slot, and its deliveries that left the partition. One lifetime for all of it: created
 * on first use, refreshed when its settings change, started afresh on resume, dropped when idle (Endpoints).
 */
export class Endpoint {
  /** Failed here since its last success: the next success resets the stored failure count. */
  failing = false;
  loadedAt: number;
  usedAt: number;
  private breaker: Breaker;
  /** When this state began: created, or last started afresh. */
  private since: number;
  /** The next free rate-limit slot (ms since epoch). */
  private nextSlot = 0;
  private readonly spill = new SpillOrder();
  /** Spills are produced one after another, so they come back in the order they left. */
  private spills: Promise<void> = Promise.resolve();

  constructor(
    public settings: WebhookSettings,
    private readonly policy: BreakerPolicy,
    now: number,
    private readonly onOpen: () => void,
  ) {
    this.loadedAt = this.usedAt = this.since = now;
    this.breaker = new Breaker(policy, onOpen);
  }

  get id(): string {
    return this.settings.id;
  }

  get breakerOpen(): boolean {
    return this.breaker.isOpen;
  }

  /** Settings read again from the store; an edit or a resume since the last read starts the endpoint afresh. */
  refresh(settings: WebhookSettings, now: number): void {
    if (settings.version > this.settings.version) this.reset(now);
    this.settings = settings;
    this.loadedAt = now;
  }

  /** Has the settings read again on next use, e.g. right after this process paused the webhook. */
  expire(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  /** A resume at `resumedAt` applies once: to state older than it. Says whether it started afresh. */
  resetIfOlderThan(resumedAt: number, now: number): boolean {
    if (this.since >= resumedAt) return false;
    this.reset(now);
    return true;
  }

  /** Closed breaker, no failure streak: what a resumed or edited endpoint starts with. Queued work keeps its order. */
  reset(now: number): void {
    this.breaker = new Breaker(this.policy, this.onOpen);
    this.failing = false;
    this.since = now;
    this.expire();
  }

  /** Sends through the breaker: no request while it is open, one probe when it half-opens. */
  async send(attempt: () => Promise<SendResult>, clock: () => number = Date.now): Promise<SendOutcome> {
    const breaker = this.breaker;
    const permit = breaker.permit(clock());
    if (permit === 'open') return { kind: 'open' };
    let result: SendResult;
    try {
      result = await attempt();
    } catch (error) {
      breaker.record(permit, 'failed', clock());
      throw error;
    }
    breaker.record(permit, attemptHealth(result), clock());
    return { kind: 'sent', result };
  }

  /**
   * Reserves the endpoint's next rate-limit slot: when (ms since epoch, never before `now`) the delivery may go. Slots
   * are evenly spaced 1/rate apart and handed out in the order deliveries ask, so waiting keeps them in order.
   */
  reserveSlot(perSecond: number, now: number): number {
    const slot = Math.max(now, this.nextSlot);
    // Whole milliseconds, rounded up: `rate` requests then span a little over a second, never under it.
    this.nextSlot = slot + Math.ceil(1000 / perSecond);
    return slot;
  }

  /** Whether the job at `offset` must leave the partition to keep its place behind the endpoint's deliveries that are away. */
  mustFollowSpill(job: SpillingJob, offset: bigint, now: number, expiresAfterMs: number): boolean {
    return this.spill.mustFollow(job, offset, now, expiresAfterMs);
  }

  /**
   * Takes the job at `offset` out of the partition: `produce` parks it, carrying its place in line, after the ones
   * that left before it. Should producing fail, the job stays (the partition hands it over again).
   */
  async spillOut(job: SpillingJob, offset: bigint, now: number, expiresAfterMs: number, produce: (seq: number) => Promise<void>): Promise<void> {
    const seq = this.spill.leave(job, offset, now, expiresAfterMs);
    const produced = this.spills.then(() => produce(seq));
    this.spills = produced.catch(() => undefined);
    try {
      await produced;
    } catch (error) {
      this.spill.stayed(seq, job.delivery_id);
      throw error;
    }
  }

  /** Nothing in flight that idling out would lose: no open breaker, no spill waiting to come back. */
  idleSince(now: number, idleMs: number): boolean {
    return now - this.usedAt > idleMs && !this.breaker.isOpen && this.spill.isEmpty;
  }
}
