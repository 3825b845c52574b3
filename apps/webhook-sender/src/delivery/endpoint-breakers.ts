import { Inject, Injectable } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import type { SendResult } from '@herald/webhook-transport';

/** Thrown inside the breaker so opossum counts a non-2xx answer as a failure; unwrapped outside. */
class FailedAttempt extends Error {
  constructor(readonly result: SendResult) {
    super('attempt failed');
  }
}

export type BreakerResult = { kind: 'sent'; result: SendResult } | { kind: 'open' };

/** Endpoints idle for this long lose their breaker state; bounds memory with many webhooks. */
const IDLE_MS = 15 * 60_000;

/**
 * One opossum circuit breaker per endpoint. Open: attempts fail fast without a request.
 * Half-open: opossum lets exactly one probe through; its outcome closes or reopens it.
 */
@Injectable()
export class EndpointBreakers {
  private readonly breakers = new Map<string, { breaker: CircuitBreaker<[() => Promise<SendResult>], SendResult>; usedAt: number }>();
  private readonly openListeners: ((endpointId: string) => void)[] = [];

  constructor(@Inject(HERALD_CONFIG) private readonly config: HeraldConfig) {}

  async send(endpointId: string, isFailure: (result: SendResult) => boolean, attempt: () => Promise<SendResult>): Promise<BreakerResult> {
    const breaker = this.breakerFor(endpointId);
    try {
      return { kind: 'sent', result: await breaker.fire(async () => {
        const result = await attempt();
        if (isFailure(result)) throw new FailedAttempt(result);
        return result;
      }) };
    } catch (error) {
      if (error instanceof FailedAttempt) return { kind: 'sent', result: error.result };
      if ((error as { code?: string }).code === 'EOPENBREAKER') return { kind: 'open' };
      throw error;
    }
  }

  /** Closes the endpoint's breaker, e.g. when an operator resumed the webhook. */
  reset(endpointId: string): void {
    this.breakers.get(endpointId)?.breaker.close();
  }

  /** How many endpoints are failing fast right now. */
  openCount(): number {
    let open = 0;
    for (const { breaker } of this.breakers.values()) if (breaker.opened) open++;
    return open;
  }

  onOpen(listener: (endpointId: string) => void): void {
    this.openListeners.push(listener);
  }

  private breakerFor(endpointId: string) {
    const now = Date.now();
    const existing = this.breakers.get(endpointId);
    if (existing) {
      existing.usedAt = now;
      return existing.breaker;
    }
    this.sweep(now);
    const breaker = new CircuitBreaker((action: () => Promise<SendResult>) => action(), {
      timeout: false, // each attempt has its own HTTP timeout
      errorThresholdPercentage: this.config.HERALD_BREAKER_ERROR_PERCENT,
      volumeThreshold: this.config.HERALD_BREAKER_VOLUME,
      rollingCountTimeout: this.config.HERALD_BREAKER_WINDOW_MS,
      resetTimeout: this.config.HERALD_BREAKER_RESET_MS,
    });
    breaker.on('open', () => this.openListeners.forEach((listener) => listener(endpointId)));
    this.breakers.set(endpointId, { breaker, usedAt: now });
    return breaker;
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.breakers) {
      if (now - entry.usedAt > IDLE_MS && !entry.breaker.opened) {
        entry.breaker.shutdown();
        this.breakers.delete(id);
      }
    }
  }
}
