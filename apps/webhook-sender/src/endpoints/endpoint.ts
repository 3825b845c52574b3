import type { WebhookOrdering } from '@herald/persistence';
import type { SendResult, WebhookTarget } from '@herald/webhook-transport';
import { attemptHealth, Breaker, type BreakerPolicy } from './breaker';

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
  ordering: WebhookOrdering;
  maxInFlight: number;
  /** When the settings last changed (an edit, a resume): a newer version starts the endpoint afresh. */
  version: number;
}

export type SendOutcome = { kind: 'sent'; result: SendResult } | { kind: 'open' };

/**
 * One webhook as this sender process works for it: its settings and secrets, its breaker, whether it failed since its
 * last success, and its rate-limit slot. One lifetime for all of it: created on first use, refreshed when its
 * settings change, started afresh on resume, dropped when idle (Endpoints). Its deliveries that left the partition
 * are ordered by Spillover, which must decide as messages arrive, before any settings are read.
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

  /** Unused for `idleMs`, and nothing that idling out would lose (an open breaker). */
  idleSince(now: number, idleMs: number): boolean {
    return now - this.usedAt > idleMs && !this.breaker.isOpen;
  }
}
