interface KeyReads<T> {
  running: Promise<T>;
  /** The read that starts once `running` ends, shared by every caller that arrived while `running` ran. */
  queued?: Promise<T>;
}

/**
 * Reads that each caller may trust to be at least as new as its call: a read already running may have begun
 * before the caller's data was committed, so a caller arriving meanwhile waits for the next one, which every
 * such caller shares. At most one read per key runs, and one more waits, however many callers there are.
 */
export class FreshReads<T> {
  private readonly reads = new Map<string, KeyReads<T>>();

  read(key: string, load: () => Promise<T>): Promise<T> {
    const current = this.reads.get(key);
    if (!current) return this.begin(key, load);
    current.queued ??= current.running.then(
      () => this.begin(key, load),
      () => this.begin(key, load),
    );
    return current.queued;
  }

  private begin(key: string, load: () => Promise<T>): Promise<T> {
    const state: KeyReads<T> = { running: load() };
    this.reads.set(key, state);
    const done = () => {
      if (this.reads.get(key) === state && !state.queued) this.reads.delete(key);
    };
    state.running.then(done, done);
    return state.running;
  }
}
