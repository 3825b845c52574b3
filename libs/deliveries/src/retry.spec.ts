import { retryTiers, Headers } from '@herald/kafka';
import { deliveryId, parseDeliveryJob, type DeliveryJob } from './job';
import { deferMessage, nextRetryDelay, retryMessage, spillMessage } from './retry';

const event = { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: {} };
const job: DeliveryJob = { delivery_id: deliveryId(event, 'wh_1'), attempt: 1, destination: { kind: 'webhook', id: 'wh_1' }, event };

describe('retry maths', () => {
  it('follows the schedule and stops after it', () => {
    const policy = { schedule: ['1s', '2s', '4s'], jitter: 0 };
    expect([1, 2, 3, 4].map((n) => nextRetryDelay(policy, n))).toEqual([1000, 2000, 4000, null]);
  });

  it('spreads delays by the jitter fraction', () => {
    const policy = { schedule: ['10s'], jitter: 0.1 };
    expect(nextRetryDelay(policy, 1, 0, () => 0)).toBe(9000);
    expect(nextRetryDelay(policy, 1, 0, () => 1)).toBe(11_000);
  });

  it('never retries sooner than Retry-After', () => {
    expect(nextRetryDelay({ schedule: ['1s'], jitter: 0 }, 1, 30_000)).toBe(30_000);
  });

  it('parks the next attempt in the tier for its delay with its due time', () => {
    const tiers = retryTiers(['1s', '30s', '2m']);
    const { topic, message } = retryMessage(job, 'herald.deliveries.webhook.v1', 45_000, tiers, 1_000);
    expect(topic).toBe('herald.retry.30s.v1');
    expect(message.key).toBe('wh_1');
    expect(message.headers).toEqual({ [Headers.dueAt]: '46000', [Headers.returnTo]: 'herald.deliveries.webhook.v1', [Headers.orderingKey]: '' });
    expect(parseDeliveryJob(Buffer.from(String(message.value)))).toEqual({ ...job, attempt: 2 });
  });

  it('defers a rate-limited job to its slot as the same attempt, holding the slot', () => {
    const tiers = retryTiers(['1s', '30s', '2m']);
    const { topic, message } = deferMessage(job, 'herald.deliveries.webhook.v1', 3_500, tiers, 1_000);
    expect(topic).toBe('herald.retry.1s.v1');
    expect(message.headers).toEqual({ [Headers.dueAt]: '4500', [Headers.returnTo]: 'herald.deliveries.webhook.v1', [Headers.orderingKey]: '' });
    const deferred = parseDeliveryJob(Buffer.from(String(message.value)));
    expect(deferred).toEqual({ ...job, slot_at: 4_500 });
    // Its retry, should the attempt fail, queues for a new slot.
    expect(parseDeliveryJob(Buffer.from(String(retryMessage(deferred, 'herald.deliveries.webhook.v1', 1_000, tiers, 5_000).message.value)))).toEqual({ ...job, attempt: 2 });
  });

  it('spills a job as the same attempt with its place in line, keeping its slot, resume and replay pace; its retry drops all four', () => {
    const tiers = retryTiers(['1s', '5s', '30s']);
    const resumed: DeliveryJob = { ...job, slot_at: 2_000, resumed_at: 500, replay_rate: 20 };
    const { topic, message } = spillMessage(resumed, 7, 'herald.deliveries.webhook.v1', 5_000, tiers, 1_000);
    expect(topic).toBe('herald.retry.5s.v1');
    expect(message.headers).toEqual({ [Headers.dueAt]: '6000', [Headers.returnTo]: 'herald.deliveries.webhook.v1', [Headers.orderingKey]: '' });
    const spilled = parseDeliveryJob(Buffer.from(String(message.value)));
    expect(spilled).toEqual({ ...resumed, spill_seq: 7 });
    expect(parseDeliveryJob(Buffer.from(String(retryMessage(spilled, 'herald.deliveries.webhook.v1', 1_000, tiers, 7_000).message.value)))).toEqual({ ...job, attempt: 2 });
  });
});

describe('delivery ids', () => {
  it('are stable per event and destination, and differ otherwise', () => {
    expect(deliveryId(event, 'wh_1')).toBe(deliveryId({ ...event }, 'wh_1'));
    expect(deliveryId(event, 'wh_1')).not.toBe(deliveryId(event, 'wh_2'));
    expect(deliveryId(event, 'wh_1')).not.toBe(deliveryId({ ...event, org_id: 'org_2' }, 'wh_1'));
    expect(deliveryId(event, 'wh_1')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });

  it('keeps data keys named like Object.prototype members as ordinary own keys', () => {
    const raw = JSON.stringify(job).replace('"data":{}', '"data":{"__proto__":{"polluted":true},"constructor":"c"}');
    const { data } = parseDeliveryJob(Buffer.from(raw)).event;
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect((data as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('rejects malformed jobs with the field named', () => {
    expect(() => parseDeliveryJob(Buffer.from('{'))).toThrow(/not valid JSON/);
    expect(() => parseDeliveryJob(Buffer.from(JSON.stringify({ ...job, attempt: 0 })))).toThrow(/attempt/);
  });
});
