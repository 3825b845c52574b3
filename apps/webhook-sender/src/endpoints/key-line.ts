/**
 * The deliveries of one ordering key to one endpoint that are away from their partition: the first one left for a
 * retry (or its rate-limit slot), the rest left behind it. While any are away only the first may go; every other
 * delivery of the key leaves too, behind them, and a returning one that is not first leaves again keeping its
 * place. So a key whose delivery is being retried holds back only its own later deliveries, and they go out in
 * the order they came. Deliveries are known by id (stable across attempts), so a returning one needs no marker.
 */
export class KeyLine {
  /** Delivery id → until when it is away; in the order they first left (a Map keeps the first insertion's place). */
  private readonly away = new Map<string, number>();
  /** Past this, with no sign of the first coming back (it went to another sender), the line holds nothing back. */
  private expiresAt = 0;

  /** `graceMs`: how long past its due time the first may take to come back before the line is given up. */
  constructor(private readonly graceMs: number) {}

  get isEmpty(): boolean {
    return this.away.size === 0;
  }

  /** Whether the delivery may go now: nothing of its key is away, or it is the first away. */
  mayGo(deliveryId: string, now: number): boolean {
    if (this.away.size > 0 && now >= this.expiresAt) this.away.clear();
    if (this.away.size === 0) return true;
    if (this.away.keys().next().value !== deliveryId) return false;
    this.expiresAt = Math.max(this.expiresAt, now + this.graceMs);
    return true;
  }

  /**
   * Records that the delivery is away until `until`; a delivery already away keeps its place. Only the first's
   * leaving keeps the line alive: the ones behind it coming and going say nothing of whether it will be back.
   */
  leave(deliveryId: string, until: number): void {
    this.away.set(deliveryId, until);
    if (this.away.keys().next().value === deliveryId) this.expiresAt = Math.max(this.expiresAt, until + this.graceMs);
  }

  /**
   * When a delivery held back now should come back: not before the first away is due back (no sooner than
   * `soonest`), so a long retry does not send the ones behind it round every few seconds.
   */
  returnAt(soonest: number): number {
    const first = this.away.values().next().value;
    return Math.max(soonest, first ?? 0);
  }

  /** The delivery is settled for good (succeeded, failed, held): it no longer holds its key. */
  done(deliveryId: string): void {
    this.away.delete(deliveryId);
  }

  expired(now: number): boolean {
    return this.away.size === 0 || now >= this.expiresAt;
  }
}
