import type { InboundMessage, QuarantineFailure } from './consumer';
import { ConsumerHooks, quarantineThrough } from './consumer-hooks';

const message: InboundMessage = { topic: 't', partition: 0, offset: '1', key: 'k', value: Buffer.from('v'), headers: {}, timestamp: '0', receivedAt: 0 };
const failure: QuarantineFailure = { kind: 'repeating', reason: 'type_error', attempts: 3, error: new TypeError('boom') };

describe('quarantineThrough', () => {
  const setup = (hook?: () => Promise<void>) => {
    const hooks = new ConsumerHooks();
    if (hook) hooks.onQuarantine(hook);
    const parked: InboundMessage[] = [];
    const logged: unknown[] = [];
    const quarantine = quarantineThrough(hooks, { quarantine: async (m) => void parked.push(m) }, { error: (line: unknown) => void logged.push(line) });
    return { quarantine, parked, logged };
  };

  it('runs the hook, then parks the message', async () => {
    const order: string[] = [];
    const { quarantine, parked } = setup(async () => void order.push('hook'));
    await quarantine(message, failure);
    expect(order).toEqual(['hook']);
    expect(parked).toEqual([message]);
  });

  it('parks without a hook', async () => {
    const { quarantine, parked } = setup();
    await quarantine(message, failure);
    expect(parked).toEqual([message]);
  });

  it('parks anyway when the hook fails on the message itself', async () => {
    const { quarantine, parked, logged } = setup(async () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    await quarantine(message, failure);
    expect(parked).toEqual([message]);
    expect(logged).toHaveLength(1);
  });

  it('parks nothing while the hook meets an outage, so the message is tried again', async () => {
    const { quarantine, parked } = setup(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    await expect(quarantine(message, failure)).rejects.toThrow('ECONNREFUSED');
    expect(parked).toEqual([]);
  });
});

describe('ConsumerHooks.consume', () => {
  it('keeps one handler per topic, for every topic it is given', async () => {
    const hooks = new ConsumerHooks();
    const handled: string[] = [];
    hooks.consume('a', async (m) => void handled.push(`a:${m.offset}`));
    hooks.consume(['b', 'c'], async (m) => void handled.push(`bc:${m.topic}`));
    expect([...hooks.handlers.keys()]).toEqual(['a', 'b', 'c']);
    await hooks.handlers.get('a')!(message);
    await hooks.handlers.get('c')!({ ...message, topic: 'c' });
    expect(handled).toEqual(['a:1', 'bc:c']);
  });

  it('refuses a second handler for a topic', () => {
    const hooks = new ConsumerHooks();
    hooks.consume('a', async () => undefined);
    expect(() => hooks.consume(['b', 'a'], async () => undefined)).toThrow('topic a has a handler already');
  });
});
