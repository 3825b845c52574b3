/**
 * Keeps an org's events in the order they were taken in while their database work runs
 * concurrently: each event waits for its predecessor's turn only around the moment it is
 * queued on the producer. Turns must be taken synchronously, in arrival order.
 */
export class PublishOrder {
  private readonly tails = new Map<string, Promise<void>>();

  take(key: string): { ready: Promise<void>; release: () => void } {
    const ready = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = ready.then(() => done);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return { ready, release };
  }
}
