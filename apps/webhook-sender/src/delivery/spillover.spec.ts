import { Logger } from '@nestjs/common';
import type { DeliveryJob } from '@herald/deliveries';
import { aJob, aJobMessage } from '../../test/factories';
import { aSender } from '../../test/fakes';

const message = aJobMessage;

describe('Spillover', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('bounds each endpoint’s queue at HERALD_ENDPOINT_MAX_QUEUED and spills what is beyond, as the same attempt, in order', async () => {
    const sender = aSender({ HERALD_ENDPOINT_MAX_QUEUED: '7', HERALD_ENDPOINT_SPILL_DELAY: '2s' });
    const overflow = sender.consumerHooks.overflow!;
    expect(overflow.maxQueuedPerKey).toBe(7);
    // As the consumer does for each arriving message: ask, then spill what leaves.
    const arrive = (job: DeliveryJob, offset: number, full: boolean) => (overflow.leaves!(message(job, offset), full) ? overflow.spill(message(job, offset)) : 'queued');
    expect(await arrive(aJob(8), 80, false)).toBe('queued');
    await arrive(aJob(9), 90, true);
    // Room again, but msg_10 must not overtake msg_9.
    await arrive(aJob(10), 91, false);
    expect(sender.fakes.calls).toEqual([
      ['spill', 'msg_9', 1, 2000],
      ['spill', 'msg_10', 2, 2000],
    ]);
    expect(await arrive(aJob(9, { spill_seq: 1 }), 92, false)).toBe('queued');
    expect(await arrive(aJob(10, { spill_seq: 2 }), 93, false)).toBe('queued');
    expect(await arrive(aJob(11), 94, false)).toBe('queued');
  });

  it('produces an endpoint’s spills one after another, in the order they were decided', async () => {
    const sender = aSender();
    const overflow = sender.consumerHooks.overflow!;
    const spills = [1, 2, 3].map((n) => overflow.spill(message(aJob(n), n)));
    await Promise.all(spills);
    expect(sender.fakes.of('spill').map(([, id]) => id)).toEqual(['msg_1', 'msg_2', 'msg_3']);
  });

  it('leaves an unreadable job to the handler, which parks it', () => {
    const sender = aSender();
    void sender.consumerHooks.overflow!.spill(message(aJob(1), 1));
    expect(sender.consumerHooks.overflow!.leaves!({ ...message(aJob(2), 2), value: Buffer.from('{') }, true)).toBe(false);
  });
});
