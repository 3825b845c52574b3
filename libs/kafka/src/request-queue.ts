/** The part of kafkajs's RequestQueue (one per broker connection) that its pending-request check touches. */
interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

/** kafkajs's own interval for re-checking requests that could not be sent at once. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/**
 * kafkajs 2.2.4 (its last release) re-arms a timer after every check of a connection's pending requests, with a
 * negative delay when nothing is throttled, so each broker connection wakes its process every millisecond forever
 * (tulios/kafkajs#1556, #1704, #1751; the fixes proposed in #1667 and #1768 are unmerged). Measured here: 4–5 % of a
 * core per idle Herald service. A check is only needed while a request waits: `push` sends at once or queues and
 * schedules, and every answer or timeout checks the queue again, so with nothing pending and no throttle no timer is
 * set. While throttled, the check runs when the throttle ends; a request waiting behind a full pipeline is checked
 * every 10 ms as before.
 */
export function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return;
  const throttledForMs = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && throttledForMs <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

let patched = false;

/** Puts the check above in place of kafkajs's own, once per process (kafkajs 2.2.4 is pinned; its internals will not move). */
export function patchRequestQueue(): void {
  if (patched) return;
  // kafkajs publishes no types for its internals.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueState & { scheduleCheckPendingRequests: unknown } };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  patched = true;
}
