import { FreshReads } from './fresh-reads';

/** A load whose answer the test gives, counting when each started. */
function controlledLoads() {
  const started: ((value: number) => void)[] = [];
  const load = () => new Promise<number>((resolve) => started.push(resolve));
  return { started, load };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FreshReads', () => {
  it('starts a read for the first caller', async () => {
    const reads = new FreshReads<number>();
    const { started, load } = controlledLoads();
    const first = reads.read('org', load);
    expect(started).toHaveLength(1);
    started[0](1);
    expect(await first).toBe(1);
  });

  it('makes callers arriving during a read wait for the next one, which they share', async () => {
    const reads = new FreshReads<number>();
    const { started, load } = controlledLoads();
    const first = reads.read('org', load);
    const second = reads.read('org', load);
    const third = reads.read('org', load);
    expect(started).toHaveLength(1);
    started[0](1);
    expect(await first).toBe(1);
    await tick();
    expect(started).toHaveLength(2);
    started[1](2);
    expect(await second).toBe(2);
    expect(await third).toBe(2);
  });

  it('starts afresh once nothing is running, and keeps keys apart', async () => {
    const reads = new FreshReads<number>();
    const { started, load } = controlledLoads();
    const a = reads.read('a', load);
    const b = reads.read('b', load);
    expect(started).toHaveLength(2);
    started[0](1);
    started[1](2);
    expect([await a, await b]).toEqual([1, 2]);
    await tick();
    const again = reads.read('a', load);
    expect(started).toHaveLength(3);
    started[2](3);
    expect(await again).toBe(3);
  });

  it('runs the next read after a failed one', async () => {
    const reads = new FreshReads<number>();
    let calls = 0;
    const failing = reads.read('org', () => Promise.reject(new Error('database down')));
    const next = reads.read('org', async () => ++calls);
    await expect(failing).rejects.toThrow('database down');
    expect(await next).toBe(1);
  });
});
