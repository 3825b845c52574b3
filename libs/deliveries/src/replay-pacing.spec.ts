import { deliveryId, type DeliveryJob } from './job';
import { ReplayPacing } from './replay-pacing';

const event = { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: {} };
const aJob = (destinationId: string, replayRate?: number): DeliveryJob => ({
  delivery_id: deliveryId(event, destinationId),
  attempt: 2,
  destination: { kind: 'webhook', id: destinationId },
  event,
  ...(replayRate === undefined ? {} : { replay_rate: replayRate }),
});

/** A pacing whose clock the test drives: `runTo` moves it on and wakes every wait due by then in one turn, as a busy event loop does. */
class SteppedPacing extends ReplayPacing {
  time = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  protected override now(): number {
    return this.time;
  }

  protected override sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ until: this.time + ms, wake }));
  }

  async runTo(time: number): Promise<void> {
    this.time = time;
    const due = this.sleepers.filter((s) => s.until <= time);
    this.sleepers = this.sleepers.filter((s) => s.until > time);
    due.forEach((s) => s.wake());
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

describe('ReplayPacing', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  /** Whether the job may go without any time passing. */
  async function goesAtOnce(pacing: ReplayPacing, job: DeliveryJob): Promise<boolean> {
    let went = false;
    void pacing.wait(job).then(() => (went = true));
    await jest.advanceTimersByTimeAsync(0);
    return went;
  }

  it('spaces a destination’s replayed sends by 1000 / rate ms, however many arrive at once', async () => {
    const pacing = new ReplayPacing();
    const times: number[] = [];
    // Kafka hands over four at once: they go 50 ms apart at 20/s.
    const waits = [1, 2, 3, 4].map(() => pacing.wait(aJob('wh_a', 20)).then(() => times.push(Date.now() - 1_000_000)));
    await jest.advanceTimersByTimeAsync(1_000);
    await Promise.all(waits);
    expect(times).toEqual([0, 50, 100, 150]);
  });

  it('spaces from when a send really went, so a late one does not let the next follow it closely', async () => {
    const pacing = new ReplayPacing();
    await pacing.wait(aJob('wh_a', 10));
    // This process was busy: the next job reaches the pacing 30 ms after its slot, and goes at once.
    jest.setSystemTime(Date.now() + 130);
    await pacing.wait(aJob('wh_a', 10));
    const third = pacing.wait(aJob('wh_a', 10));
    let went = false;
    void third.then(() => (went = true));
    await jest.advanceTimersByTimeAsync(99);
    expect(went).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(went).toBe(true);
  });

  it('lets live deliveries and other destinations go without waiting', async () => {
    const pacing = new ReplayPacing();
    const jobs = [aJob('wh_a', 1), aJob('wh_b', 1), aJob('wh_a'), aJob('wh_c', 1), aJob('wh_a')];
    const atOnce: boolean[] = [];
    for (const job of jobs) atOnce.push(await goesAtOnce(pacing, job));
    expect(atOnce).toEqual([true, true, true, true, true]);
    // The next replayed one to wh_a waits its second.
    expect(await goesAtOnce(pacing, aJob('wh_a', 1))).toBe(false);
  });

  it('lets a destination whose replay paused for longer than its interval go at once', async () => {
    const pacing = new ReplayPacing();
    await pacing.wait(aJob('wh_a', 5));
    jest.setSystemTime(Date.now() + 1_000);
    expect(await goesAtOnce(pacing, aJob('wh_a', 5))).toBe(true);
  });

  it('keeps sends apart when a busy event loop wakes several past their slots at once', async () => {
    const pacing = new SteppedPacing();
    const sentAt: number[] = [];
    for (let i = 0; i < 3; i++) void pacing.wait(aJob('wh_a', 20)).then(() => sentAt.push(pacing.time));
    await pacing.runTo(0);
    expect(sentAt).toEqual([0]);
    // Slots at 50 and 100 pass while the loop is blocked; both waits wake at 200.
    await pacing.runTo(200);
    expect(sentAt).toEqual([0, 200]);
    await pacing.runTo(249);
    expect(sentAt).toEqual([0, 200]);
    await pacing.runTo(250);
    expect(sentAt).toEqual([0, 200, 250]);
  });
});
