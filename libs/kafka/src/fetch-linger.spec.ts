import { FetchLinger } from './fetch-linger';

describe('FetchLinger', () => {
  it('holds the next fetch from a broker until the linger has passed since its last fetch with messages', () => {
    const linger = new FetchLinger(30);
    linger.fetched(1, 1_000, true);
    expect(linger.remainingMs(1, 1_004)).toBe(26);
    expect(linger.remainingMs(1, 1_030)).toBe(0);
    expect(linger.remainingMs(1, 1_200)).toBe(0);
  });

  it('lets the next fetch go at once after one that came back empty (an idle consumer waits on the broker instead)', () => {
    const linger = new FetchLinger(30);
    linger.fetched(1, 1_000, true);
    linger.fetched(1, 1_040, false);
    expect(linger.remainingMs(1, 1_041)).toBe(0);
    expect(new FetchLinger(30).remainingMs(1, 1_000)).toBe(0);
  });

  it('keeps each broker to its own fetches', () => {
    const linger = new FetchLinger(30);
    linger.fetched(1, 1_000, true);
    linger.fetched(2, 1_020, true);
    expect(linger.remainingMs(1, 1_025)).toBe(5);
    expect(linger.remainingMs(2, 1_025)).toBe(25);
  });
});
