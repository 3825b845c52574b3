import { SpillOrder } from './spill-order';

const fresh = (n: number) => ({ delivery_id: `msg_${n}` });
const back = (n: number, seq: number) => ({ delivery_id: `msg_${n}`, spill_seq: seq });

describe('SpillOrder', () => {
  it('follows the queue length while nothing is away', () => {
    const order = new SpillOrder(60_000);
    expect(order.mustLeave(fresh(1), false, 0)).toBe(false);
    expect(order.mustLeave(fresh(1), true, 0)).toBe(true);
  });

  it('sends every later delivery out behind the ones away, and lets them back in the order they left', () => {
    const order = new SpillOrder(60_000);
    expect(order.leave(fresh(6), 0)).toBe(1);
    // The queue has room again, but msg_7 must not overtake msg_6.
    expect(order.mustLeave(fresh(7), false, 1)).toBe(true);
    expect(order.leave(fresh(7), 1)).toBe(2);
    expect(order.mustLeave(back(6, 1), false, 2)).toBe(false); // first away, room: rejoins the queue
    expect(order.mustLeave(back(7, 2), false, 3)).toBe(false);
    expect(order.isEmpty).toBe(true);
    expect(order.mustLeave(fresh(8), false, 4)).toBe(false);
  });

  it('lets a returning delivery back only at its turn and with room, else it leaves again, keeping its place', () => {
    const order = new SpillOrder(60_000);
    for (const n of [6, 7, 8]) order.leave(fresh(n), 0);
    expect(order.mustLeave(back(6, 1), false, 1)).toBe(false);
    // msg_7 finds the queue full and leaves again as number 2…
    expect(order.mustLeave(back(7, 2), true, 2)).toBe(true);
    expect(order.leave(back(7, 2), 2)).toBe(2);
    // …so msg_8, back before it with room in the queue, goes around again rather than overtake it.
    expect(order.mustLeave(back(8, 3), false, 3)).toBe(true);
    expect(order.leave(back(8, 3), 3)).toBe(3);
    expect(order.mustLeave(back(7, 2), false, 4)).toBe(false);
    expect(order.mustLeave(back(8, 3), false, 5)).toBe(false);
    expect(order.isEmpty).toBe(true);
  });

  it('treats a sequence it did not hand out (another process spilled it) as a fresh delivery', () => {
    const order = new SpillOrder(60_000);
    order.leave(fresh(5), 0);
    expect(order.mustLeave(back(9, 1), false, 1)).toBe(true); // seq 1 is msg_5's here
    expect(order.leave(back(9, 1), 1)).toBe(2);
  });

  it('lets a delivery whose spill could not be produced stay', () => {
    const order = new SpillOrder(60_000);
    order.stayed(order.leave(fresh(5), 0), 'msg_5');
    expect(order.isEmpty).toBe(true);
  });

  it('keeps a spill alive while its first delivery keeps coming back to a full queue (a hung endpoint)', () => {
    const order = new SpillOrder(60_000);
    order.leave(fresh(5), 0);
    order.leave(fresh(6), 0);
    expect(order.mustLeave(back(5, 1), true, 50_000)).toBe(true);
    expect(order.mustLeave(back(6, 2), false, 100_000)).toBe(true); // still behind msg_5
    expect(order.mustLeave(back(5, 1), false, 105_000)).toBe(false);
  });

  it('gives up a spill whose first delivery is not seen back (it went to another sender)', () => {
    const order = new SpillOrder(60_000);
    order.leave(fresh(5), 0);
    expect(order.mustLeave(fresh(6), false, 59_999)).toBe(true);
    expect(order.mustLeave(fresh(7), false, 60_000)).toBe(false);
    expect(order.isEmpty).toBe(true);
  });
});
