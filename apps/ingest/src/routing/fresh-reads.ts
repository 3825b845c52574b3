interface Read<T> {
  startedAt: number;
  result: Promise<T>;
}

interface KeyReads<T> {
  /** The latest read begun for the key, running or done. */
  latest: Read<T>;
  running: boolean;
  /** The read that starts once `latest` ends, shared by every caller that needed a newer one meanwhile. */
  queued?: Promise<T>;
}

/**
 * Reads a caller may trust to be newer than a moment of its choosing (`since`, local clock): the latest read
 * is shared when it began at or after `since`, running or done; otherwise the caller gets the next one, which
 * every such caller shares. At most one read per key runs, and one more waits, however many callers there are.
 */
export class FreshReads<T> {
  private readonly reads = new Map<string, KeyReads<T>>();

  constructor(private readonly now: () => number = Date.now) {}

  read(key: string, since: number, load: () => Promise<T>): Promise<T> {
    const current = this.reads.get(key);
    if (current && current.latest.startedAt >= since) return current.latest.result;
    if (!current?.running) return this.begin(key, load);
    current.queued ??= current.latest.result.then(
      () => this.begin(key, load),
      () => this.begin(key, load),
    );
    return current.queued;
  }

  private begin(key: string, load: () => Promise<T>): Promise<T> {
    const state: KeyReads<T> = { latest: { startedAt: this.now(), result: load() }, running: true };
    this.reads.set(key, state);
    const done = () => {
      state.running = false;
    };
    state.latest.result.then(done, done);
    return state.latest.result;
  }
}
