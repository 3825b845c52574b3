/** What spill ordering needs to know of a job. */
export interface SpillingJob {
  delivery_id: string;
  /** Its place among the endpoint's deliveries that left the partition, if it is one of them. */
  spill_seq?: number;
}

/**
 * The order of one endpoint's deliveries that left their partition (spilled), decided as each message arrives, in
 * partition order. While any are away, every later delivery of the endpoint leaves too, behind them; a returning
 * one rejoins the queue only at its turn (the first still away) and when the queue has room, otherwise it leaves
 * again, keeping its place. Everything that leaves is produced in arrival order, so they come back first out first
 * back, and the endpoint's deliveries go out in the order they came.
 */
export class SpillOrder {
  /** Deliveries away, sequence → delivery id, in the order they first left (sequences only grow). */
  private readonly away = new Map<number, string>();
  private nextSeq = 1;
  /** A spill whose first delivery is not seen back until then is given up (it went to another sender). */
  private expiresAt = 0;

  constructor(private readonly expiresAfterMs: number) {}

  get isEmpty(): boolean {
    return this.away.size === 0;
  }

  /** Whether `job` must leave now (`full`: its queue has no room). A returning job that rejoins the queue is no longer away. */
  mustLeave(job: SpillingJob, full: boolean, now: number): boolean {
    if (this.away.size > 0 && now >= this.expiresAt) this.away.clear();
    if (this.away.size === 0) return full;
    const first = this.isAway(job) && job.spill_seq === this.away.keys().next().value;
    // The first one back shows the spill is alive, even when a hung endpoint's full queue sends it out again.
    if (first) this.expiresAt = now + this.expiresAfterMs;
    if (full || !first) return true;
    this.away.delete(job.spill_seq!);
    return false;
  }

  /** Records that `job` leaves; returns the sequence it carries while away (a returning one keeps its own). */
  leave(job: SpillingJob, now: number): number {
    if (this.isAway(job)) return job.spill_seq!;
    if (this.away.size === 0) this.expiresAt = now + this.expiresAfterMs;
    const seq = this.nextSeq++;
    this.away.set(seq, job.delivery_id);
    return seq;
  }

  /** It never left after all (producing it failed): its partition hands it over again. */
  stayed(seq: number, deliveryId: string): void {
    if (this.away.get(seq) === deliveryId) this.away.delete(seq);
  }

  /** A sequence from another process (before a rebalance or restart) is not one of ours. */
  private isAway(job: SpillingJob): boolean {
    return job.spill_seq !== undefined && this.away.get(job.spill_seq) === job.delivery_id;
  }
}
