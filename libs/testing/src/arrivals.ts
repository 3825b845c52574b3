/** What a test server collects, and a way to wait until enough of it has arrived. */
export class Arrivals<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  /** Adds an item and wakes the waiters; returns its index. */
  add(item: T): number {
    const index = this.items.push(item) - 1;
    for (const wake of this.waiters) wake();
    return index;
  }

  /**
   * Resolves with the first `count` items (of those `matches` accepts) once they are there; rejects after `timeoutMs`
   * with `explain()`.
   */
  waitFor(count: number, timeoutMs: number, explain: () => string, matches?: (item: T) => boolean): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = matches ? this.items.filter(matches) : this.items;
        if (found.length < count) return;
        cleanup();
        resolve(found.slice(0, count));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(explain()));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
