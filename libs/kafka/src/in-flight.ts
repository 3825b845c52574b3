/** One unfinished message of a partition. */
export interface Entry {
  offset: bigint;
  startedAt: number;
  done: boolean;
  newer?: Entry;
  older?: Entry;
}

/**
 * A partition's unfinished messages, in offset order: a list they leave as they finish, wherever they are in it,
 * so adding, finishing and finding the oldest cost constant time however many are in flight. Finished messages
 * are not kept: the commit point is the oldest unfinished one (or one past the last dispatched).
 */
export class InFlight {
  private oldest: Entry | undefined;
  private newest: Entry | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(offset: bigint, now: number): Entry {
    const entry: Entry = { offset, startedAt: now, done: false, older: this.newest };
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
    this.count++;
    return entry;
  }

  finish(entry: Entry): void {
    if (entry.done) return;
    entry.done = true;
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = entry.newer = undefined;
    this.count--;
  }

  oldestUnfinished(): Entry | undefined {
    return this.oldest;
  }
}
