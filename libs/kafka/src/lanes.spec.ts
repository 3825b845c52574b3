import { Lanes, type Placement } from './lanes';

/** Drives Lanes like the consumer does: adds, and finishes what runs, recording the order things start in. */
function harness() {
  const lanes = new Lanes<string>();
  const placements = new Map<string, Placement>();
  const running = new Set<string>();
  const started: string[] = [];
  const run = (items: string[]) => items.forEach((item) => (running.add(item), started.push(item)));
  return {
    started,
    running,
    add(item: string, placement: Placement) {
      placements.set(item, placement);
      run(lanes.add(item, placement));
    },
    finish(item: string) {
      if (!running.delete(item)) throw new Error(`${item} is not running`);
      run(lanes.finish(placements.get(item)!));
    },
    size: (group: string) => lanes.size(group),
  };
}

describe('Lanes', () => {
  const key = (lane: string | null, limit = 4): Placement => ({ group: 'wh', lane, limit });

  it('runs one message per lane at a time, in the order added, while other lanes go on', () => {
    const h = harness();
    h.add('a1', key('a'));
    h.add('a2', key('a'));
    h.add('b1', key('b'));
    h.add('a3', key('a'));
    expect(h.started).toEqual(['a1', 'b1']);
    h.finish('b1');
    expect(h.started).toEqual(['a1', 'b1']);
    h.finish('a1');
    h.finish('a2');
    expect(h.started).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('never runs more than the group limit; lane-less messages run side by side up to it, oldest first', () => {
    const h = harness();
    for (const item of ['u1', 'u2', 'u3', 'u4', 'u5']) h.add(item, key(null, 2));
    expect([...h.running]).toEqual(['u1', 'u2']);
    h.finish('u2');
    expect([...h.running]).toEqual(['u1', 'u3']);
    h.finish('u1');
    h.finish('u3');
    expect(h.started).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(h.size('wh')).toBe(2);
  });

  it('starts the oldest ready message when room frees, whichever lane it is in', () => {
    const h = harness();
    h.add('a1', key('a', 1));
    h.add('b1', key('b', 1));
    h.add('a2', key('a', 1));
    h.add('c1', key('c', 1));
    h.finish('a1'); // ready now: b1 (older), c1, a2
    h.finish('b1');
    h.finish('a2');
    expect(h.started).toEqual(['a1', 'b1', 'a2', 'c1']);
  });

  it('strict FIFO: one lane for the whole group runs everything one at a time in order', () => {
    const h = harness();
    for (const item of ['m1', 'm2', 'm3']) h.add(item, key('', 16));
    expect([...h.running]).toEqual(['m1']);
    h.finish('m1');
    h.finish('m2');
    h.finish('m3');
    expect(h.started).toEqual(['m1', 'm2', 'm3']);
    expect(h.size('wh')).toBe(0);
  });

  it('keeps groups apart: one group at its limit does not hold another', () => {
    const h = harness();
    h.add('x1', { group: 'x', lane: null, limit: 1 });
    h.add('x2', { group: 'x', lane: null, limit: 1 });
    h.add('y1', { group: 'y', lane: null, limit: 1 });
    expect(h.started).toEqual(['x1', 'y1']);
  });

  it('applies the newest limit a group was placed with', () => {
    const h = harness();
    h.add('a', key(null, 1));
    h.add('b', key(null, 1));
    h.add('c', key(null, 3));
    expect(h.started).toEqual(['a', 'b', 'c']);
  });

  it('keeps each lane in order with thousands waiting across a hundred lanes', () => {
    const h = harness();
    for (let i = 0; i < 20_000; i++) h.add(`m${i}`, key(`k${i % 100}`, 16));
    expect(h.running.size).toBe(16);
    for (let i = 0; i < 20_000; i++) h.finish(h.running.values().next().value!);
    expect(h.started).toHaveLength(20_000);
    const firstOfK7 = h.started.filter((m) => Number(m.slice(1)) % 100 === 7).map((m) => Number(m.slice(1)));
    expect(firstOfK7).toEqual([...firstOfK7].sort((a, b) => a - b));
  });
  it('tells how long a group has gone without finishing a message, and how many groups have work', () => {
    const lanes = new Lanes<string>();
    lanes.add('a1', { group: 'a', lane: null, limit: 1 }, 1_000);
    lanes.add('a2', { group: 'a', lane: null, limit: 1 }, 1_500);
    lanes.add('b1', { group: 'b', lane: null, limit: 1 }, 1_500);
    expect(lanes.groupCount).toBe(2);
    // Idle since the group began, until one of its messages finishes.
    expect(lanes.idleFor('a', 3_000)).toBe(2_000);
    lanes.finish({ group: 'a', lane: null }, 3_500);
    expect(lanes.idleFor('a', 4_000)).toBe(500);
    lanes.finish({ group: 'b', lane: null }, 4_000);
    expect(lanes.groupCount).toBe(1);
    expect(lanes.idleFor('b', 9_000)).toBe(0);
  });
});
