import { Logger } from '@nestjs/common';
import { aJob } from '../../test/factories';
import { aSender } from '../../test/fakes';

const message = (job: ReturnType<typeof aJob>, offset: number) => ({
  topic: 'herald.deliveries.webhook.v1',
  partition: 0,
  offset: String(offset),
  key: job.destination.id,
  value: Buffer.from(JSON.stringify(job)),
  headers: {},
  timestamp: '0',
});

describe('WebhookConsumerHooks', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('bounds each endpoint’s queue at HERALD_ENDPOINT_MAX_QUEUED and spills the overflow to the endpoint’s retry tier, not as an attempt', async () => {
    const sender = aSender({ HERALD_ENDPOINT_MAX_QUEUED: '7', HERALD_ENDPOINT_SPILL_DELAY: '2s' });
    const overflow = sender.consumerHooks.overflow!;
    expect(overflow.maxQueuedPerKey).toBe(7);
    await overflow.spill(message(aJob(9), 90));
    expect(sender.fakes.calls).toEqual([['spill', 'msg_9', 2000]]);
    // The spill holds later fresh jobs of the endpoint back until msg_9 is back.
    await sender.service.deliver(aJob(10), message(aJob(10), 91));
    expect(sender.fakes.calls.at(-1)).toEqual(['spill', 'msg_10', 2000]);
    expect(sender.sent).toHaveLength(0);
  });

  it('records a quarantined job’s delivery as failed, with the reason', async () => {
    const sender = aSender();
    await sender.consumerHooks.beforeQuarantine!(message(aJob(3), 30), { reason: 'stack_overflow', kind: 'repeating', attempts: 3, error: new RangeError('Maximum call stack size exceeded') });
    expect(sender.fakes.calls).toEqual([['record', 'msg_3', 'failed', 'quarantined after 3 failed attempt(s) (stack_overflow): Maximum call stack size exceeded']]);
  });

  it('lets the quarantine go ahead when the job cannot even be read', async () => {
    const sender = aSender();
    await expect(sender.consumerHooks.beforeQuarantine!({ ...message(aJob(3), 30), value: Buffer.from('{') }, { reason: 'x', kind: 'repeating', attempts: 3, error: new Error('x') })).resolves.toBeUndefined();
    expect(sender.fakes.calls).toEqual([]);
  });
});
