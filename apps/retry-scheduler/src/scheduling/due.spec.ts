import { Headers, Topics, type InboundMessage } from '@herald/kafka';
import { decide } from './due';

const message = (headers: Record<string, string>): InboundMessage => ({ topic: 'herald.retry.5s.v1', partition: 0, offset: '0', key: 'wh_1', value: Buffer.from('{}'), headers, timestamp: '0', receivedAt: 0 });

describe('decide', () => {
  const ok = { [Headers.returnTo]: Topics.webhookDeliveries };

  it('sends back what is due and holds what is not', () => {
    expect(decide(message({ ...ok, [Headers.dueAt]: '1000' }), 1000)).toEqual({ kind: 'due', returnTo: Topics.webhookDeliveries, dueAt: 1000 });
    expect(decide(message({ ...ok, [Headers.dueAt]: '5000' }), 1000)).toEqual({ kind: 'wait', until: 5000 });
  });

  it('refuses to return anywhere but a deliveries topic', () => {
    expect(decide(message({ [Headers.returnTo]: Topics.events, [Headers.dueAt]: '0' }), 1).kind).toBe('invalid');
    expect(decide(message({ [Headers.dueAt]: '0' }), 1).kind).toBe('invalid');
  });

  it('rejects a missing due time', () => {
    expect(decide(message(ok), 1)).toEqual({ kind: 'invalid', reason: expect.stringContaining(Headers.dueAt) });
  });
});
