import { patchRequestQueue } from './request-queue';

// kafkajs publishes no types for its internals.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue');

/** A real kafkajs RequestQueue (one broker connection's), with a request that is only recorded as sent. */
function queue({ maxInFlightRequests = 1 } = {}) {
  const sent: number[] = [];
  const logger = { debug: () => undefined, warn: () => undefined };
  const requests = new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'b:1', logger, isConnected: () => true });
  const push = (correlationId: number) =>
    requests.push({ entry: { correlationId, resolve: () => undefined, reject: () => undefined }, expectResponse: true, requestTimeout: 30_000, sendRequest: () => sent.push(correlationId) });
  return { requests, sent, push };
}

describe('kafkajs RequestQueue with the pending-request check fixed', () => {
  beforeAll(() => patchRequestQueue());
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sets no timer while nothing waits, after a request is answered', () => {
    const { requests, sent, push } = queue();
    push(1);
    requests.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1]);
    expect(requests.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sends a request queued behind a full pipeline once the one in flight is answered', () => {
    const { requests, sent, push } = queue();
    push(1);
    push(2);
    expect(sent).toEqual([1]);
    requests.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    requests.fulfillRequest({ correlationId: 2, payload: null, size: 0 });
    jest.runOnlyPendingTimers();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sends a request held by a broker throttle when the throttle ends', () => {
    const { requests, sent, push } = queue({ maxInFlightRequests: 10 });
    requests.maybeThrottle(200);
    push(1);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(199);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([1]);
    expect(requests.throttleCheckTimeoutId).toBeNull();
  });
});
