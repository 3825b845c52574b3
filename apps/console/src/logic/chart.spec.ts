import { hourlyBars, percent, successRateOf } from './chart';

describe('the overview chart', () => {
  const now = Date.parse('2026-12-01T12:34:00Z');

  it('has one bar per hour of the last 24, the current hour last, zero where nothing happened', () => {
    const bars = hourlyBars([{ hour: '2026-12-01T12:00:00Z', succeeded: 3, failed: 1, pending: 0, held: 0 }], now);
    expect(bars).toHaveLength(24);
    expect(new Date(bars[0].start).toISOString()).toBe('2026-11-30T13:00:00.000Z');
    expect(new Date(bars[23].start).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(bars.slice(0, 23).every((b) => b.succeeded === 0 && b.other === 0 && b.succeededHeight === 0)).toBe(true);
    expect([bars[23].succeeded, bars[23].other]).toEqual([3, 1]);
  });

  it('scales the tallest hour to the full height and stacks what did not arrive on top of what did', () => {
    const bars = hourlyBars(
      [
        { hour: '2026-12-01T11:00:00Z', succeeded: 6, failed: 2, pending: 1, held: 1 },
        { hour: '2026-12-01T12:00:00Z', succeeded: 5, failed: 0, pending: 0, held: 0 },
      ],
      now,
      { height: 100, width: 240, gap: 2 },
    );
    const [previous, current] = bars.slice(-2);
    expect([previous.succeededHeight, previous.otherHeight]).toEqual([60, 40]);
    expect([previous.succeededY, previous.otherY]).toEqual([40, 0]);
    expect([current.succeededHeight, current.succeededY]).toEqual([50, 50]);
    expect([current.x, current.width]).toEqual([231, 8]);
  });

  it('ignores what is older than the window and keeps an empty chart flat', () => {
    const bars = hourlyBars([{ hour: '2026-11-29T12:00:00Z', succeeded: 50, failed: 0, pending: 0, held: 0 }], now);
    expect(bars.every((b) => b.succeededHeight === 0)).toBe(true);
  });

  it('shows rates as percentages rounded down, and nothing as a dash', () => {
    expect(percent(0.9999)).toBe('99.9 %');
    expect(percent(1)).toBe('100 %');
    expect(percent(null)).toBe('—');
    expect(successRateOf({ succeeded: 3, failed: 1 })).toBe(0.75);
    expect(successRateOf({ succeeded: 0, failed: 0 })).toBeNull();
    expect(successRateOf(undefined)).toBeNull();
  });
});
