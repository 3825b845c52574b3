import type { SendResult } from '@herald/webhook-transport';

export interface BreakerPolicy {
  /** Attempts in a row without an answer (timeouts, connection failures) that open the breaker, whatever the volume. */
  consecutiveFailures: number;
  /** Share of failed attempts in the window that opens it… */
  errorPercent: number;
  /** …once the window holds at least this many attempts. */
  volume: number;
  windowMs: number;
  /** Open this long, then one probe goes through; its outcome closes or reopens the breaker. */
  resetMs: number;
}

/** What an attempt says about its endpoint: answered well, answered badly, or did not answer at all. */
export type AttemptHealth = 'ok' | 'failed' | 'unreachable';

export function attemptHealth(result: SendResult): AttemptHealth {
  if (result.kind === 'error') return 'unreachable';
  return result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300 ? 'ok' : 'failed';
}

/** `closed` and `probe` may send (a probe is the one attempt a half-open breaker lets through); `open` fails fast. */
export type Permit = 'closed' | 'probe' | 'open';

const BUCKETS = 10;

/**
 * A circuit breaker for one endpoint. It opens on either rule: `consecutiveFailures` unanswered attempts in a row (a
 * hanging endpoint sends one request per timeout, too few for any volume threshold), or `errorPercent` of at least
 * `volume` attempts in the rolling window. Time is passed in, so it is a plain state machine.
 */
export class Breaker {
  private openedAt: number | null = null;
  private probing = false;
  private unansweredInRow = 0;
  /** The rolling window in BUCKETS slices, newest last. */
  private buckets: { start: number; total: number; failed: number }[] = [];

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly onOpen: () => void = () => undefined,
  ) {}

  /** Not closed: open, or half-open (past the reset time, waiting for or running its probe). */
  get isOpen(): boolean {
    return this.openedAt !== null;
  }

  permit(now: number): Permit {
    if (this.openedAt === null) return 'closed';
    if (this.probing || now - this.openedAt < this.policy.resetMs) return 'open';
    this.probing = true;
    return 'probe';
  }

  /** The outcome of an attempt sent under `permit`. Attempts started before the breaker opened no longer count. */
  record(permit: Exclude<Permit, 'open'>, health: AttemptHealth, now: number): void {
    if (permit === 'probe') {
      this.probing = false;
      if (health === 'ok') this.close();
      else this.open(now);
      return;
    }
    if (this.openedAt !== null) return;
    this.unansweredInRow = health === 'unreachable' ? this.unansweredInRow + 1 : 0;
    const bucket = this.bucketAt(now);
    bucket.total++;
    if (health !== 'ok') bucket.failed++;
    if (this.unansweredInRow >= this.policy.consecutiveFailures || this.failingByVolume()) this.open(now);
  }

  /** Closed with a clean slate, e.g. when an operator resumed the endpoint. */
  close(): void {
    this.openedAt = null;
    this.probing = false;
    this.unansweredInRow = 0;
    this.buckets = [];
  }

  private open(now: number): void {
    const wasOpen = this.openedAt !== null;
    this.openedAt = now;
    this.unansweredInRow = 0;
    this.buckets = [];
    if (!wasOpen) this.onOpen();
  }

  private failingByVolume(): boolean {
    let total = 0;
    let failed = 0;
    for (const bucket of this.buckets) {
      total += bucket.total;
      failed += bucket.failed;
    }
    return total >= this.policy.volume && (failed * 100) / total >= this.policy.errorPercent;
  }

  private bucketAt(now: number) {
    const width = this.policy.windowMs / BUCKETS;
    this.buckets = this.buckets.filter((bucket) => bucket.start > now - this.policy.windowMs);
    const last = this.buckets[this.buckets.length - 1];
    if (last && now < last.start + width) return last;
    const bucket = { start: now - (now % width), total: 0, failed: 0 };
    this.buckets.push(bucket);
    return bucket;
  }
}
