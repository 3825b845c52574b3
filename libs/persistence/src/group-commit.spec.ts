import { GroupCommit } from './group-commit';

/** A write that waits until the test lets it finish, recording the batches it was given. */
function gatedWrites() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = (batch: number[]) => {
    batches.push(batch);
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const openAll = async () => {
    while (gates.length) {
      gates.splice(0).forEach((open) => open());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, write, openAll };
}

describe('GroupCommit', () => {
  it('writes the items of one tick as one batch, and the items that queue meanwhile together after it', async () => {
    const { batches, write, openAll } = gatedWrites();
    const commit = new GroupCommit(write, { maxConcurrentWrites: 1 });
    const first = [1, 2, 3].map((n) => commit.add(n));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [4, 5].map((n) => commit.add(n));
    await openAll();
    await Promise.all([...first, ...later]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('caps the batch size and the writes in flight', async () => {
    const { batches, write, openAll } = gatedWrites();
    const commit = new GroupCommit(write, { maxConcurrentWrites: 2, maxBatch: 2 });
    const added = [1, 2, 3, 4, 5].map((n) => commit.add(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await openAll();
    await Promise.all(added);
    expect(batches.at(-1)).toEqual([5]);
  });

  it("rejects every item of a batch whose write failed, and only those", async () => {
    let calls = 0;
    const commit = new GroupCommit<number>(async () => {
      if (calls++ === 0) throw new Error('database gone');
    });
    const failed = [commit.add(1), commit.add(2)];
    await expect(Promise.all(failed)).rejects.toThrow('database gone');
    await expect(failed[1]).rejects.toThrow('database gone');
    await expect(commit.add(3)).resolves.toBeUndefined();
  });

  it('settles each item with its own result when the write gives them', async () => {
    const commit = new GroupCommit<number, number>(async (batch) => batch.map((n) => (n % 2 ? { status: 'fulfilled', value: n * 10 } : { status: 'rejected', reason: new Error(`refused ${n}`) })));
    const added = [commit.add(1), commit.add(2), commit.add(3)];
    expect(await Promise.allSettled(added)).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('refused 2') },
      { status: 'fulfilled', value: 30 },
    ]);
  });

  it('flush resolves once everything added so far is written', async () => {
    const { write, openAll } = gatedWrites();
    const commit = new GroupCommit(write);
    let written = false;
    void commit.add(1).then(() => (written = true));
    const flushed = commit.flush();
    await openAll();
    await flushed;
    expect(written).toBe(true);
    await expect(new GroupCommit(write).flush()).resolves.toBeUndefined();
  });

  describe('with a linger', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('writes a trickle of items as one batch once the first has waited the linger, and the next batch a linger later', async () => {
      const batches: number[][] = [];
      const commit = new GroupCommit(async (batch: number[]) => void batches.push(batch), { lingerMs: 100 });
      void commit.add(1);
      await jest.advanceTimersByTimeAsync(40);
      void commit.add(2);
      await jest.advanceTimersByTimeAsync(59);
      expect(batches).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2]]);
      void commit.add(3);
      await jest.advanceTimersByTimeAsync(99);
      expect(batches).toEqual([[1, 2]]);
      await jest.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2], [3]]);
    });

    it('writes at once a batch that is full, holds an urgent item, or is flushed', async () => {
      const { batches, write } = gatedWrites();
      const commit = new GroupCommit(write, { lingerMs: 100, maxBatch: 2, maxConcurrentWrites: 3 });
      void commit.add(1);
      void commit.add(2);
      await jest.advanceTimersByTimeAsync(0);
      expect(batches).toEqual([[1, 2]]);
      void commit.add(3);
      void commit.add(4, true);
      await jest.advanceTimersByTimeAsync(0);
      expect(batches).toEqual([[1, 2], [3, 4]]);
      void commit.add(5);
      void commit.flush();
      expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    });
  });
});
