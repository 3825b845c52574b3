import { FreshReads } from './fresh-reads';

/** Loads whose answers the test gives, in the order they started. */
function controlledLoads() {
  const started: ((value: number) => void)[] = [];
  const load = () => new Promise<number>((resolve) => started.push(resolve));
  return { started, load };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FreshReads', () => {
  let clock: number;
  let reads: FreshReads<number>;

  beforeEach(() => {
    clock = 1_000;
    reads = new FreshReads<number>(() => clock);
  });

  it('starts a read for the first caller', async () => {
    const { started, load } = controlledLoads();
    const first = reads.read('org', clock, load);
    expect(started).toHaveLength(1);
    started[0](1);
    expect(await first).toBe(1);
  });

  it('shares a read begun after the moment the caller names, running or done', async () => {
    const { started, load } = controlledLoads();
    const first = reads.read('org', 1_000, load);
    const second = reads.read('org', 900, load);
    expect(started).toHaveLength(1);
    started[0](1);
    expect([await first, await second]).toEqual([1, 1]);
    clock = 2_000;
    expect(await reads.read('org', 1_000, load)).toBe(1);
    expect(started).toHaveLength(1);
  });

  it('makes callers newer than the running read wait for the next one, which they share', async () => {
    const { started, load } = controlledLoads();
    const first = reads.read('org', 1_000, load);
    clock = 1_500;
    const second = reads.read('org', 1_200, load);
    const third = reads.read('org', 1_400, load);
    expect(started).toHaveLength(1);
    started[0](1);
    expect(await first).toBe(1);
    await tick();
    expect(started).toHaveLength(2);
    started[1](2);
    expect([await second, await third]).toEqual([2, 2]);
  });

  it('starts afresh when the last read is older than the caller, and keeps keys apart', async () => {
    const { started, load } = controlledLoads();
    const a = reads.read('a', clock, load);
    const b = reads.read('b', clock, load);
    started[0](1);
    started[1](2);
    expect([await a, await b]).toEqual([1, 2]);
    clock = 3_000;
    const again = reads.read('a', 2_000, load);
    expect(started).toHaveLength(3);
    started[2](3);
    expect(await again).toBe(3);
  });

  it('runs the next read after a failed one', async () => {
    let calls = 0;
    const failing = reads.read('org', clock, () => Promise.reject(new Error('database down')));
    clock = 1_100;
    const next = reads.read('org', 1_050, async () => ++calls);
    await expect(failing).rejects.toThrow('database down');
    expect(await next).toBe(1);
  });
});
