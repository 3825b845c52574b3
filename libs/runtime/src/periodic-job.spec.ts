import { PeriodicJob } from './periodic-job';

class CountingJob extends PeriodicJob {
  runs = 0;
  constructor() {
    super(1000);
  }
  async run(): Promise<void> {
    this.runs += 1;
  }
}

describe('PeriodicJob', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs every period from bootstrap until shutdown', () => {
    const job = new CountingJob();
    jest.advanceTimersByTime(5000);
    expect(job.runs).toBe(0);
    job.onApplicationBootstrap();
    jest.advanceTimersByTime(3500);
    expect(job.runs).toBe(3);
    job.onApplicationShutdown();
    jest.advanceTimersByTime(5000);
    expect(job.runs).toBe(3);
  });
});
