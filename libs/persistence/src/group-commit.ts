/**
 * The linger of writes that only a Kafka offset waits for (the delivery log, the event log's published mark): at
 * most ten statements a second each however the deliveries trickle in, and offsets committed 100 ms later.
 */
export const OFFSET_ONLY_LINGER_MS = 100;

interface Pending<T, R> {
  item: T;
  /** When it was added (ms), for the linger. */
  addedAt: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Batches written at once; more items wait and go together in the next batch. */
  maxConcurrentWrites?: number;
  /** Items in one batch at most. */
  maxBatch?: number;
  /**
   * How long an item may wait for others before its batch is written (0: not at all). For writes no caller waits on
   * but a Kafka offset: it bounds the statements a second whatever the rate, where without it a trickle of items
   * costs one statement each.
   */
  lingerMs?: number;
}

/**
 * Group commit: items added by concurrent callers are written together, one `write` per batch. An item is written
 * at once when nothing is being written (after the current tick, so the items of one tick share a batch), and
 * queues behind the writes in progress otherwise, so batches grow with load and add no delay without it. With a
 * linger, a batch is written once its first item has waited `lingerMs` (or it is full, or an item is added as
 * `urgent`, or on `flush`), so batches grow with time too. Each
 * `add` resolves once its batch's write has, and rejects with its error. A write that settles its items one by one
 * returns their results in batch order (`PromiseSettledResult<R>`): each `add` then resolves or rejects with its own.
 */
export class GroupCommit<T, R = void> {
  private queue: Pending<T, R>[] = [];
  private writing = 0;
  private idle: (() => void)[] = [];
  private readonly maxConcurrentWrites: number;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  /** Items up to this many from the front are written without lingering (added as urgent, or before a flush). */
  private dueNow = 0;
  private wakeAt: number | null = null;

  constructor(
    private readonly write: (batch: T[]) => Promise<void | PromiseSettledResult<R>[]>,
    { maxConcurrentWrites = 2, maxBatch = 1000, lingerMs = 0 }: GroupCommitOptions = {},
  ) {
    this.maxConcurrentWrites = maxConcurrentWrites;
    this.maxBatch = maxBatch;
    this.lingerMs = lingerMs;
  }

  /** `urgent`: a caller waits on this item, so its batch goes without lingering. */
  add(item: T, urgent = false): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, addedAt: this.lingerMs > 0 ? Date.now() : 0, resolve, reject });
      if (urgent) this.dueNow = this.queue.length;
      if (this.queue.length === 1 || urgent) setImmediate(() => this.pump());
    });
  }

  /** Resolves once everything added so far is written (at shutdown). */
  flush(): Promise<void> {
    this.dueNow = this.queue.length;
    this.pump();
    if (this.writing === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.writing < this.maxConcurrentWrites && this.queue.length > 0) {
      if (this.dueNow === 0 && this.queue.length < this.maxBatch && this.lingerMs > 0) {
        const wait = this.queue[0].addedAt + this.lingerMs - Date.now();
        if (wait > 0) return this.wakeIn(wait);
      }
      this.dueNow = Math.max(0, this.dueNow - this.maxBatch);
      const batch = this.queue.splice(0, this.maxBatch);
      this.writing++;
      void this.run(batch).finally(() => {
        this.writing--;
        this.pump();
        if (this.writing === 0 && this.queue.length === 0) this.idle.splice(0).forEach((wake) => wake());
      });
    }
  }

  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.wakeAt !== null && this.wakeAt <= at) return;
    this.wakeAt = at;
    setTimeout(() => {
      if (this.wakeAt === at) this.wakeAt = null;
      this.pump();
    }, ms);
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((pending) => pending.item));
      batch.forEach((pending, i) => {
        const result = results?.[i];
        if (result?.status === 'rejected') pending.reject(result.reason);
        else pending.resolve(result?.value as R);
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
