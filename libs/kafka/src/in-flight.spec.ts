import { InFlight } from './in-flight';

describe('InFlight', () => {
  it('keeps the oldest unfinished message, whatever order they finish in', () => {
    const inFlight = new InFlight();
    const [a, b, c] = [10n, 11n, 12n].map((offset) => inFlight.add(offset, 0));
    expect(inFlight.oldestUnfinished()?.offset).toBe(10n);
    inFlight.finish(b);
    expect(inFlight.oldestUnfinished()?.offset).toBe(10n);
    inFlight.finish(a);
    expect(inFlight.oldestUnfinished()?.offset).toBe(12n);
    inFlight.finish(c);
    expect(inFlight.oldestUnfinished()).toBeUndefined();
    expect(inFlight.size).toBe(0);
  });

  it('counts only unfinished messages, and finishing one twice changes nothing', () => {
    const inFlight = new InFlight();
    const entries = Array.from({ length: 5 }, (_, i) => inFlight.add(BigInt(i), 0));
    inFlight.finish(entries[2]);
    inFlight.finish(entries[2]);
    expect(inFlight.size).toBe(4);
    inFlight.finish(entries[4]);
    inFlight.add(5n, 0);
    expect(inFlight.size).toBe(4);
    expect(inFlight.oldestUnfinished()?.offset).toBe(0n);
  });

  it('finds the oldest unfinished among many, finishing from the middle and the ends', () => {
    const inFlight = new InFlight();
    const entries = Array.from({ length: 10_000 }, (_, i) => inFlight.add(BigInt(i), 0));
    for (let i = 9_999; i >= 1; i -= 2) inFlight.finish(entries[i]);
    expect(inFlight.oldestUnfinished()?.offset).toBe(0n);
    for (let i = 0; i < 9_998; i += 2) inFlight.finish(entries[i]);
    expect(inFlight.oldestUnfinished()?.offset).toBe(9_998n);
    expect(inFlight.size).toBe(1);
  });
});
