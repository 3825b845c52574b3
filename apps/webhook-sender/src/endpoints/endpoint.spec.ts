import { anEndpoint, answered, someSettings, timedOut } from '../../test/factories';

describe('Endpoint', () => {
  it('fails fast without a request once its breaker opened on consecutive timeouts', async () => {
    const endpoint = anEndpoint({}, 0, { consecutiveFailures: 3 });
    const post = jest.fn(async () => timedOut());
    const kinds = [];
    for (let i = 0; i < 5; i++) kinds.push((await endpoint.send(post, () => i * 10_000)).kind);
    expect(kinds).toEqual(['sent', 'sent', 'sent', 'open', 'open']);
    expect(post).toHaveBeenCalledTimes(3);
    expect(endpoint.breakerOpen).toBe(true);
  });

  it('starts afresh when a resume newer than its state arrives, and only once per resume', async () => {
    const endpoint = anEndpoint({}, 1_000, { consecutiveFailures: 1 });
    await endpoint.send(async () => timedOut(), () => 2_000);
    endpoint.failing = true;
    expect(endpoint.resetIfOlderThan(500, 3_000)).toBe(false); // resumed before this state began
    expect(endpoint.breakerOpen).toBe(true);
    expect(endpoint.resetIfOlderThan(2_500, 3_000)).toBe(true);
    expect([endpoint.breakerOpen, endpoint.failing]).toEqual([false, false]);
    expect(endpoint.resetIfOlderThan(2_500, 3_100)).toBe(false);
    expect((await endpoint.send(async () => answered(), () => 3_200)).kind).toBe('sent');
  });

  it('starts afresh when its settings changed (an edit or a resume elsewhere), not on a plain re-read', async () => {
    const endpoint = anEndpoint({ version: 1 }, 0, { consecutiveFailures: 1 });
    await endpoint.send(async () => timedOut(), () => 1);
    endpoint.refresh(someSettings({ version: 1 }), 2);
    expect(endpoint.breakerOpen).toBe(true);
    endpoint.refresh(someSettings({ version: 2, url: 'https://fixed.example.com/' }), 3);
    expect(endpoint.breakerOpen).toBe(false);
    expect(endpoint.settings.url).toBe('https://fixed.example.com/');
  });

  it('spaces rate-limit slots evenly in the order asked, and never hands out the past', () => {
    const endpoint = anEndpoint();
    expect([0, 0, 0, 0].map(() => endpoint.reserveSlot(4, 1000))).toEqual([1000, 1250, 1500, 1750]);
    expect(endpoint.reserveSlot(4, 1100)).toBe(2000);
    expect(endpoint.reserveSlot(4, 10_000)).toBe(10_000);
  });

  it('never lets more than `rate` requests fall in any one-second window', () => {
    const endpoint = anEndpoint();
    const times = Array.from({ length: 100 }, (_, i) => endpoint.reserveSlot(7, i * 13));
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(7);
  });
});
