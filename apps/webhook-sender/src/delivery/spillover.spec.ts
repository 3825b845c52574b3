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

describe('Spillover', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('bounds each endpoint’s queue at HERALD_ENDPOINT_MAX_QUEUED and spills the overflow to the endpoint’s retry tier, not as an attempt', async () => {
    const sender = aSender({ HERALD_ENDPOINT_MAX_QUEUED: '7', HERALD_ENDPOINT_SPILL_DELAY: '2s' });
    const overflow = sender.consumerHooks.overflow!;
    expect(overflow.maxQueuedPerKey).toBe(7);
    await overflow.spill(message(aJob(9), 90));
    expect(sender.fakes.calls).toEqual([['spill', 'msg_9', 1, 2000]]);
    // The spill holds later fresh jobs of the endpoint back until msg_9 is back.
    await sender.service.deliver(aJob(10), message(aJob(10), 91));
    expect(sender.fakes.calls.at(-1)).toEqual(['spill', 'msg_10', 2, 2000]);
    expect(sender.sent).toHaveLength(0);
  });

  it('fails an overflowing delivery of a deleted webhook where it is', async () => {
    const sender = aSender();
    await sender.consumerHooks.overflow!.spill(message(aJob(4, { destination: { kind: 'webhook', id: 'wh_deleted' } }), 40));
    expect(sender.fakes.calls).toEqual([['record', 'msg_4', 'failed', 'webhook no longer exists']]);
  });
});
