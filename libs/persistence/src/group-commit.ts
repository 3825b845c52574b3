interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Batches written at once; more items wait and go together in the next batch. */
  maxConcurrentWrites?: number;
  /** Items in one batch at most. */
  maxBatch?: number;
}

/**
 * Group commit: items added by concurrent callers are written together, one `write` per batch. An item is written
 * at once when nothing is being written (after the current tick, so the items of one tick share a batch), and
 * queues behind the writes in progress otherwise, so batches grow with load and add no delay without it. Each
 * `add` resolves once its batch's write has, and rejects with its error. A write that settles its items one by one
 * returns their results in batch order (`PromiseSettledResult<R>`): each `add` then resolves or rejects with its own.
 */
export class GroupCommit<T, R = void> {
  private queue: Pending<T, R>[] = [];
  private writing = 0;
  private idle: (() => void)[] = [];
  private readonly maxConcurrentWrites: number;
  private readonly maxBatch: number;

  constructor(
    private readonly write: (batch: T[]) => Promise<void | PromiseSettledResult<R>[]>,
    { maxConcurrentWrites = 2, maxBatch = 1000 }: GroupCommitOptions = {},
  ) {
    this.maxConcurrentWrites = maxConcurrentWrites;
    this.maxBatch = maxBatch;
  }

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.pump());
    });
  }

  /** Resolves once everything added so far is written (at shutdown). */
  flush(): Promise<void> {
    this.pump();
    if (this.writing === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.writing < this.maxConcurrentWrites && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.writing++;
      void this.run(batch).finally(() => {
        this.writing--;
        this.pump();
        if (this.writing === 0 && this.queue.length === 0) this.idle.splice(0).forEach((wake) => wake());
      });
    }
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
