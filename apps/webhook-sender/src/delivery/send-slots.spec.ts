import { SendSlots } from './send-slots';

describe('SendSlots', () => {
  it('spaces an endpoint evenly at its rate, in the order deliveries ask, and never hands out the past', () => {
    const slots = new SendSlots();
    expect([0, 0, 0, 0].map(() => slots.reserve('wh_a', 4, 1000))).toEqual([1000, 1250, 1500, 1750]);
    // Later arrivals queue behind the reserved slots…
    expect(slots.reserve('wh_a', 4, 1100)).toBe(2000);
    // …and an idle endpoint starts again from now.
    expect(slots.reserve('wh_a', 4, 10_000)).toBe(10_000);
  });

  it('keeps endpoints apart', () => {
    const slots = new SendSlots();
    expect(slots.reserve('wh_a', 1, 0)).toBe(0);
    expect(slots.reserve('wh_b', 1, 0)).toBe(0);
    expect(slots.reserve('wh_a', 1, 0)).toBe(1000);
  });

  it('never lets more than `rate` requests fall in any one-second window', () => {
    const slots = new SendSlots();
    const rate = 7;
    const times = Array.from({ length: 100 }, (_, i) => slots.reserve('wh_a', rate, i * 13));
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(rate);
  });

  it('forgets endpoints whose slots are all in the past once it tracks many', () => {
    const slots = new SendSlots();
    for (let i = 0; i <= 10_000; i++) slots.reserve(`wh_${i}`, 1, 0);
    // The sweep ran at the 10,001st endpoint; an endpoint reserved at time 0 with a free slot at 1000 survives it.
    expect(slots.reserve('wh_0', 1, 500)).toBe(1000);
    expect(slots.reserve('wh_new', 1, 5000)).toBe(5000);
  });
});
