/** What spill ordering needs to know of a job. */
export interface SpillingJob {
  delivery_id: string;
  /** Its place among the endpoint's deliveries that left the partition, if it is one of them. */
  spill_seq?: number;
}

/**
 * The order of one endpoint's deliveries that left their partition (spilled). They wait in a retry tier, first
 * out first back; but the consumer may send a returning one out again when the queue is still full, which puts
 * it behind the others. So a delivery is sent only at its turn: a returning one when it is the first still away,
 * a fresh one only if it came before the spill began. Everything else leaves (again) and keeps, or takes, its place.
 */
export class SpillOrder {
  /** Deliveries away, sequence → delivery id, in the order they first left (sequences only grow). */
  private readonly away = new Map<number, string>();
  private nextSeq = 1;
  /** Partition offset where the spill began: fresh jobs after it follow the ones away. */
  private fromOffset = 0n;
  /** A spill that makes no progress until then is given up (its deliveries went to another sender). */
  private expiresAt = 0;

  get isEmpty(): boolean {
    return this.away.size === 0;
  }

  /** Whether `job`, at `offset`, must leave the partition now to keep its place. Sending the first one away ends its wait. */
  mustFollow(job: SpillingJob, offset: bigint, now: number, expiresAfterMs: number): boolean {
    if (this.away.size > 0 && now >= this.expiresAt) this.away.clear();
    if (this.away.size === 0) return false;
    if (!this.isAway(job)) return offset > this.fromOffset;
    if (job.spill_seq !== this.away.keys().next().value) return true;
    this.away.delete(job.spill_seq!);
    this.expiresAt = now + expiresAfterMs;
    return false;
  }

  /** Records that `job` at `offset` leaves the partition; returns the sequence it carries while away. */
  leave(job: SpillingJob, offset: bigint, now: number, expiresAfterMs: number): number {
    this.expiresAt = now + expiresAfterMs;
    if (this.isAway(job)) return job.spill_seq!;
    if (this.away.size === 0) this.fromOffset = offset;
    const seq = this.nextSeq++;
    this.away.set(seq, job.delivery_id);
    return seq;
  }

  /** It never left after all (producing it failed): its partition hands it over again, in its place. */
  stayed(seq: number, deliveryId: string): void {
    if (this.away.get(seq) === deliveryId) this.away.delete(seq);
  }

  /** A sequence from another process (before a rebalance or restart) is not one of ours. */
  private isAway(job: SpillingJob): boolean {
    return job.spill_seq !== undefined && this.away.get(job.spill_seq) === job.delivery_id;
  }
}
