import { PublishOrder } from './publish-order';

describe('PublishOrder', () => {
  it('lets each key proceed in the order turns were taken, whatever order the work finishes in', async () => {
    const order = new PublishOrder();
    const published: string[] = [];
    const run = async (name: string, key: string, workMs: number) => {
      const turn = order.take(key);
      await new Promise((r) => setTimeout(r, workMs));
      await turn.ready;
      published.push(name);
      turn.release();
    };
    await Promise.all([run('a1', 'a', 30), run('b1', 'b', 20), run('a2', 'a', 1), run('a3', 'a', 10), run('b2', 'b', 1)]);
    expect(published.filter((n) => n.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(published.filter((n) => n.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(published.indexOf('b1')).toBeLessThan(published.indexOf('a1'));
  });

  it('releases the next turn even when one fails', async () => {
    const order = new PublishOrder();
    const first = order.take('k');
    const second = order.take('k');
    first.release();
    await expect(second.ready).resolves.toBeUndefined();
  });
});
