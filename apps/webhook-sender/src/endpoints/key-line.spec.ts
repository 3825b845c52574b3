import { KeyLine } from './key-line';

/**
 * Plays one key's deliveries through a line the way the sender does: each delivery asks mayGo when it starts;
 * one that may not leaves behind (until returnAt); one that fails leaves for its retry; success ends it.
 */
describe('KeyLine', () => {
  const GRACE = 60_000;

  it('a key whose first delivery fails three times still goes before its later deliveries', () => {
    const line = new KeyLine(GRACE);
    const sent: string[] = [];
    let now = 0;
    // d1 goes and fails: it leaves for its retry, due 5 s later.
    expect(line.mayGo('d1', now)).toBe(true);
    line.leave('d1', now + 5_000);
    // d2 and d3 arrive meanwhile: held back behind d1, to come back when d1 is due.
    for (const id of ['d2', 'd3']) {
      expect(line.mayGo(id, now)).toBe(false);
      expect(line.returnAt(now + 1_000)).toBe(5_000);
      line.leave(id, line.returnAt(now + 1_000));
    }
    // Three failures in all: d1 comes back, goes, fails again, twice; d2 and d3 keep coming back too early.
    for (const due of [35_000, 155_000]) {
      now = line.returnAt(0);
      expect(line.mayGo('d2', now)).toBe(false);
      line.leave('d2', line.returnAt(now + 1_000));
      expect(line.mayGo('d1', now)).toBe(true);
      line.leave('d1', due);
      expect(line.mayGo('d3', now)).toBe(false);
      line.leave('d3', line.returnAt(now + 1_000));
    }
    // The fourth try succeeds; then d2, then d3 (d3 back first still waits for d2).
    now = 155_000;
    expect(line.mayGo('d1', now)).toBe(true);
    sent.push('d1');
    line.done('d1');
    expect(line.mayGo('d3', now)).toBe(false);
    line.leave('d3', line.returnAt(now + 1_000));
    expect(line.mayGo('d2', now)).toBe(true);
    sent.push('d2');
    line.done('d2');
    expect(line.mayGo('d3', now + 1_000)).toBe(true);
    sent.push('d3');
    line.done('d3');
    expect(sent).toEqual(['d1', 'd2', 'd3']);
    expect(line.isEmpty).toBe(true);
  });

  it('lets a new delivery go at once when nothing of its key is away', () => {
    const line = new KeyLine(GRACE);
    expect(line.mayGo('d1', 0)).toBe(true);
    line.leave('d1', 5_000);
    line.done('d1');
    expect(line.mayGo('d2', 1)).toBe(true);
  });

  it('holds back a later delivery that arrives after the first has come back but before it settled', () => {
    const line = new KeyLine(GRACE);
    line.leave('d1', 5_000);
    expect(line.mayGo('d1', 5_000)).toBe(true);
    expect(line.mayGo('d2', 5_001)).toBe(false);
  });

  it('gives up a line whose first never comes back (another sender took it) a grace after it was due', () => {
    const line = new KeyLine(GRACE);
    line.leave('d1', 5_000);
    expect(line.mayGo('d2', 5_000 + GRACE - 1)).toBe(false);
    // d2 going round behind it does not keep the line alive.
    line.leave('d2', 5_000 + GRACE + 1_000);
    expect(line.expired(5_000 + GRACE - 1)).toBe(false);
    expect(line.mayGo('d2', 5_000 + GRACE)).toBe(true);
  });
});
