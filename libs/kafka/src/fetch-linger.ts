/**
 * Spaces one consumer's fetches at least `lingerMs` apart while they keep bringing messages: a fetch that returned
 * batches from a broker holds the next fetch from that broker until the linger has passed. Under steady traffic each
 * fetch, and what it causes downstream (one event-log insert, one produce request, the next service's fetch), then
 * carries `lingerMs` of events instead of whatever arrived since the last one. An idle consumer is not held: a fetch
 * that came back empty lets the next one go at once, and it waits on the broker for the first event.
 */
export class FetchLinger {
  /** Per broker (kafkajs fetches from each broker on its own): when its last fetch with messages came back. */
  private readonly fetchedAt = new Map<number, number>();

  constructor(private readonly lingerMs: number) {}

  /** A fetch from `nodeId` came back at `now`, with messages or without. */
  fetched(nodeId: number, now: number, withMessages: boolean): void {
    if (withMessages) this.fetchedAt.set(nodeId, now);
    else this.fetchedAt.delete(nodeId);
  }

  /** How long the next fetch from `nodeId` should still wait. */
  remainingMs(nodeId: number, now: number): number {
    const at = this.fetchedAt.get(nodeId);
    return at === undefined ? 0 : Math.max(0, at + this.lingerMs - now);
  }
}

/** The part of kafkajs's consumer Runner (one per running consumer) that the linger wraps. */
interface RunnerInternals {
  consumerGroup: { groupId: string };
  fetch(nodeId: number): Promise<unknown[]>;
}

/** The lingers of this process's consumers, by group id (one consumer per group per process). */
const lingers = new Map<string, FetchLinger>();
let patched = false;

/**
 * Makes the consumer of `groupId` linger between fetches; returns what ends it. kafkajs has no setting for this (its
 * `minBytes` and `maxWaitTimeInMs` hold a fetch on the broker until enough bytes arrived, a bound that moves with the
 * events' size), so its Runner's `fetch` is wrapped once per process, the way `patchRequestQueue` wraps its request
 * queue (kafkajs 2.2.4 is pinned; its internals will not move). Consumers without a linger go straight through.
 */
export function lingerBetweenFetches(groupId: string, lingerMs: number): () => void {
  if (!patched) {
    // kafkajs publishes no types for its internals.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Runner = require('kafkajs/src/consumer/runner') as { prototype: RunnerInternals };
    const fetch = Runner.prototype.fetch;
    Runner.prototype.fetch = async function (this: RunnerInternals, nodeId: number) {
      const linger = lingers.get(this.consumerGroup.groupId);
      if (!linger) return fetch.call(this, nodeId);
      const wait = linger.remainingMs(nodeId, Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const batches = await fetch.call(this, nodeId);
      linger.fetched(nodeId, Date.now(), batches.length > 0);
      return batches;
    };
    patched = true;
  }
  const linger = new FetchLinger(lingerMs);
  lingers.set(groupId, linger);
  return () => {
    if (lingers.get(groupId) === linger) lingers.delete(groupId);
  };
}
