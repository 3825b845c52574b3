import { Registry } from 'prom-client';
import type { DeliveryJob, DeliveryOutcomes } from '@herald/deliveries';
import { DeliveryMetrics } from '@herald/observability';
import { RateLimits } from './rate-limits';
import type { WebhookSettings } from './webhook-directory';

const event = { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: {} };
const job = (n: number, slotAt?: number): DeliveryJob => ({ delivery_id: `msg_${n}`, attempt: 1, destination: { kind: 'webhook', id: 'wh_1' }, event, ...(slotAt !== undefined && { slot_at: slotAt }) });
const webhook = (rateLimit: number | null) => ({ id: 'wh_1', rateLimit }) as WebhookSettings;

describe('RateLimits', () => {
  const deferred: [string, number][] = [];
  const outcomes = { defer: async (j: DeliveryJob, _topic: string, delayMs: number) => void deferred.push([j.delivery_id, delayMs]) } as unknown as DeliveryOutcomes;
  const limits = () => new RateLimits(outcomes, new DeliveryMetrics(new Registry(), { HERALD_METRICS_FAILING_DESTINATIONS: 0 }));
  beforeEach(() => (deferred.length = 0));

  it('lets a webhook without a limit through at once', async () => {
    expect(await limits().admit(job(1), webhook(null), 0)).toBe('send');
  });

  it('waits in place for a slot under a second away and defers a later one to its slot', async () => {
    const rateLimits = limits();
    const now = Date.now();
    const started = Date.now();
    // 10 a second: slots every 100 ms; the twelfth is 1.1 s away.
    const verdicts = await Promise.all(Array.from({ length: 12 }, (_, n) => rateLimits.admit(job(n), webhook(10), now)));
    expect(verdicts).toEqual([...Array(11).fill('send'), 'deferred']);
    expect(deferred).toEqual([['msg_11', 1100]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('sends a deferred job at the slot it holds without taking another', async () => {
    const rateLimits = limits();
    expect(await rateLimits.admit(job(1, 5_000), webhook(1), 5_000)).toBe('send');
    // The slot it held was not one of this process's: the next delivery still gets the first free slot.
    expect(await rateLimits.admit(job(2), webhook(1), 5_000)).toBe('send');
    expect(deferred).toEqual([]);
  });
});
