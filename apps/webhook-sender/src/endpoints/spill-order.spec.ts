import { SpillOrder } from './spill-order';

const EXPIRES = 60_000;
const fresh = (n: number) => ({ delivery_id: `msg_${n}` });
const back = (n: number, seq: number) => ({ delivery_id: `msg_${n}`, spill_seq: seq });

describe('SpillOrder', () => {
  it('lets everything through while nothing is away', () => {
    expect(new SpillOrder().mustFollow(fresh(1), 10n, 0, EXPIRES)).toBe(false);
  });

  it('sends fresh jobs from before the spill, makes later ones follow it, and sends the ones away in the order they left', () => {
    const order = new SpillOrder();
    expect(order.leave(fresh(5), 50n, 0, EXPIRES)).toBe(1);
    expect(order.mustFollow(fresh(4), 40n, 1, EXPIRES)).toBe(false); // queued before the spill began
    expect(order.mustFollow(fresh(6), 60n, 1, EXPIRES)).toBe(true); // behind it: follows it out
    expect(order.leave(fresh(6), 60n, 1, EXPIRES)).toBe(2);
    expect(order.mustFollow(back(5, 1), 70n, 2, EXPIRES)).toBe(false); // first away: its turn
    expect(order.mustFollow(fresh(7), 71n, 2, EXPIRES)).toBe(true);
    expect(order.leave(fresh(7), 71n, 2, EXPIRES)).toBe(3);
    expect(order.mustFollow(back(6, 2), 80n, 3, EXPIRES)).toBe(false);
    expect(order.mustFollow(back(7, 3), 81n, 3, EXPIRES)).toBe(false); // the last one: nothing away any more
    expect(order.isEmpty).toBe(true);
    expect(order.mustFollow(fresh(8), 82n, 3, EXPIRES)).toBe(false);
  });

  it('sends a returning job only at its turn: one sent out again (the queue was still full) goes first when it is back', () => {
    const order = new SpillOrder();
    for (const n of [6, 7, 8]) order.leave(fresh(n), BigInt(n * 10), 0, EXPIRES);
    // msg_6 came back and went; msg_7 came back to a full queue and left again, keeping its place…
    expect(order.mustFollow(back(6, 1), 100n, 1, EXPIRES)).toBe(false);
    expect(order.leave(back(7, 2), 101n, 1, EXPIRES)).toBe(2);
    // …so msg_8, back before it, must go around again rather than overtake it.
    expect(order.mustFollow(back(8, 3), 102n, 2, EXPIRES)).toBe(true);
    expect(order.leave(back(8, 3), 102n, 2, EXPIRES)).toBe(3);
    expect(order.mustFollow(back(7, 2), 103n, 3, EXPIRES)).toBe(false);
    expect(order.mustFollow(back(8, 3), 104n, 4, EXPIRES)).toBe(false);
    expect(order.isEmpty).toBe(true);
  });

  it('treats a sequence it did not hand out (another process spilled it) as a fresh job', () => {
    const order = new SpillOrder();
    order.leave(fresh(5), 50n, 0, EXPIRES);
    expect(order.mustFollow(back(9, 1), 60n, 1, EXPIRES)).toBe(true); // seq 1 is msg_5's here
    expect(order.mustFollow(back(9, 42), 40n, 1, EXPIRES)).toBe(false);
  });

  it('lets a job whose spill failed stay in its place', () => {
    const order = new SpillOrder();
    const seq = order.leave(fresh(5), 50n, 0, EXPIRES);
    order.stayed(seq, 'msg_5');
    expect(order.isEmpty).toBe(true);
    expect(order.mustFollow(fresh(5), 50n, 1, EXPIRES)).toBe(false);
  });

  it('gives up a spill that makes no progress (its deliveries went to another sender)', () => {
    const order = new SpillOrder();
    order.leave(fresh(5), 50n, 0, EXPIRES);
    expect(order.mustFollow(fresh(6), 60n, EXPIRES - 1, EXPIRES)).toBe(true);
    expect(order.mustFollow(fresh(7), 61n, EXPIRES, EXPIRES)).toBe(false);
    expect(order.isEmpty).toBe(true);
  });
});
