/** Endpoints tracked before slots already in the past are swept away. */
const SWEEP_ABOVE = 10_000;

/**
 * Send slots per rate-limited endpoint: one request every 1/rate seconds, evenly spaced, so the endpoint never sees
 * more than `rate` in any second (Slack's incoming webhooks take one a second, Discord's five every two). Slots are
 * handed out in the order deliveries ask, so waiting keeps an endpoint's deliveries in order.
 */
export class SendSlots {
  /** The next free slot per endpoint (ms since epoch). */
  private readonly nextFree = new Map<string, number>();

  /** Reserves the endpoint's next slot: when (ms since epoch, never before `now`) this delivery may go. */
  reserve(endpointId: string, perSecond: number, now: number): number {
    const slot = Math.max(now, this.nextFree.get(endpointId) ?? now);
    // Whole milliseconds, rounded up: `rate` requests then span a little over a second, never under it.
    this.nextFree.set(endpointId, slot + Math.ceil(1000 / perSecond));
    if (this.nextFree.size > SWEEP_ABOVE) this.sweep(now);
    return slot;
  }

  private sweep(now: number): void {
    for (const [endpointId, free] of this.nextFree) if (free <= now) this.nextFree.delete(endpointId);
  }
}
