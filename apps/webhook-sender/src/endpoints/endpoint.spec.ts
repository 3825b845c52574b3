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

  describe('spilling', () => {
    const job = (n: number, spilled?: boolean) => ({ delivery_id: `msg_${n}`, ...(spilled && { spilled }) });
    const produced: string[] = [];
    const spill = (endpoint: ReturnType<typeof anEndpoint>, n: number, offset: bigint, now = 0) =>
      endpoint.spillOut(`msg_${n}`, offset, now, 60_000, async () => void produced.push(`msg_${n}`));
    beforeEach(() => (produced.length = 0));

    it('sends everything while nothing is away', () => {
      expect(anEndpoint().mustFollowSpill(job(1), 10n, 0)).toBe(false);
    });

    it('sends fresh jobs from before the spill, makes later ones follow it, and ends when the last one is back', async () => {
      const endpoint = anEndpoint();
      await spill(endpoint, 5, 50n);
      expect(endpoint.mustFollowSpill(job(4), 40n, 1)).toBe(false); // queued before the spill began
      expect(endpoint.mustFollowSpill(job(6), 60n, 1)).toBe(true); // behind it: follows it out
      await spill(endpoint, 6, 60n);
      expect(endpoint.mustFollowSpill(job(5, true), 70n, 2)).toBe(false); // back, not the last
      expect(endpoint.mustFollowSpill(job(7), 71n, 2)).toBe(true);
      await spill(endpoint, 7, 71n);
      expect(endpoint.mustFollowSpill(job(6, true), 80n, 3)).toBe(false);
      expect(endpoint.mustFollowSpill(job(7, true), 81n, 3)).toBe(false); // the last one: spill over
      expect(endpoint.mustFollowSpill(job(8), 82n, 3)).toBe(false);
      expect(produced).toEqual(['msg_5', 'msg_6', 'msg_7']);
    });

    it('produces spills one after another, in the order they left', async () => {
      const endpoint = anEndpoint();
      const order: number[] = [];
      let releaseFirst!: () => void;
      const first = endpoint.spillOut('msg_1', 1n, 0, 60_000, () => new Promise<void>((resolve) => (releaseFirst = () => resolve(void order.push(1)))));
      const second = endpoint.spillOut('msg_2', 2n, 0, 60_000, async () => void order.push(2));
      await Promise.resolve();
      expect(order).toEqual([]);
      releaseFirst();
      await Promise.all([first, second]);
      expect(order).toEqual([1, 2]);
    });

    it('ends the spill when the last one arrives again unmarked (producing it failed, so the partition hands it over again)', async () => {
      const endpoint = anEndpoint();
      await spill(endpoint, 5, 50n);
      expect(endpoint.mustFollowSpill(job(5), 50n, 1)).toBe(false);
      expect(endpoint.mustFollowSpill(job(6), 60n, 1)).toBe(false);
    });

    it('gives up a spill whose last delivery never came back (its partition moved away)', async () => {
      const endpoint = anEndpoint();
      await spill(endpoint, 5, 50n, 0);
      expect(endpoint.mustFollowSpill(job(6), 60n, 59_999)).toBe(true);
      expect(endpoint.mustFollowSpill(job(7), 61n, 60_000)).toBe(false);
      expect(endpoint.idleSince(16 * 60_000, 15 * 60_000)).toBe(true);
    });
  });
});
