import { Registry } from 'prom-client';
import type { DeliveryJob, DeliveryOutcomes } from '@herald/deliveries';
import { DeliveryMetrics } from '@herald/observability';
import { aJob, anEndpoint } from '../../test/factories';
import type { KeyOrder } from './key-order';
import { RateLimits } from './rate-limits';

describe('RateLimits', () => {
  const deferred: [string, number][] = [];
  const outcomes = { defer: async (j: DeliveryJob, _topic: string, delayMs: number) => void deferred.push([j.delivery_id, delayMs]) } as unknown as DeliveryOutcomes;
  const limits = () => new RateLimits(outcomes, new DeliveryMetrics(new Registry(), { HERALD_METRICS_FAILING_DESTINATIONS: 0 }), { leaving: () => undefined } as unknown as KeyOrder);
  beforeEach(() => {
    deferred.length = 0;
    jest.useFakeTimers({ now: 100_000 });
  });
  afterEach(() => jest.useRealTimers());

  it('lets a webhook without a limit through at once', async () => {
    expect(await limits().admit(aJob(1), anEndpoint({ rateLimit: null }), 0)).toBe('send');
  });

  it('waits in place for a slot under a second away and defers a later one to its slot', async () => {
    const rateLimits = limits();
    const endpoint = anEndpoint({ rateLimit: 10 });
    const now = Date.now();
    const settled: string[] = [];
    // 10 a second: slots every 100 ms; the twelfth is 1.1 s away.
    const verdicts = Promise.all(Array.from({ length: 12 }, (_, n) => rateLimits.admit(aJob(n), endpoint, now).then((verdict) => (settled.push(`msg_${n}`), verdict))));
    await jest.advanceTimersByTimeAsync(950);
    // The deferred one at once, the others each at its slot; the eleventh's slot (1 s) is still ahead.
    expect(settled.filter((id) => id !== 'msg_11')).toEqual(Array.from({ length: 10 }, (_, n) => `msg_${n}`));
    expect(settled).toContain('msg_11');
    await jest.advanceTimersByTimeAsync(100);
    expect(await verdicts).toEqual([...Array(11).fill('send'), 'deferred']);
    expect(deferred).toEqual([['msg_11', 1100]]);
  });

  it('sends a deferred job at the slot it holds without taking another', async () => {
    const rateLimits = limits();
    const endpoint = anEndpoint({ rateLimit: 1 });
    expect(await rateLimits.admit(aJob(1, { slot_at: 5_000 }), endpoint, 5_000)).toBe('send');
    // The slot it held was not one of this process's: the next delivery still gets the first free slot.
    expect(await rateLimits.admit(aJob(2), endpoint, 5_000)).toBe('send');
    expect(deferred).toEqual([]);
  });
});
