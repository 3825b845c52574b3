/** How often a dependency is asked, and how long an answer may take before it counts as no answer. */
const CHECK_INTERVAL_MS = 2_000;
const CHECK_TIMEOUT_MS = 3_000;

/**
 * Whether a dependency (the broker, the database) answers, asked in the background every couple of seconds on
 * a connection of its own, so that readiness reads the last answer and never waits on the network or on a pool
 * that a burst keeps busy. After a failed or slow answer `reset` drops the connection; the next check connects
 * afresh, so readiness comes back by itself when the dependency does.
 */
export class BackgroundCheck {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;
  ok = false;

  constructor(
    private readonly ask: () => Promise<unknown>,
    private readonly reset: () => Promise<unknown>,
    private readonly intervalMs = CHECK_INTERVAL_MS,
    private readonly timeoutMs = CHECK_TIMEOUT_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
    void this.check();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    // A check still on the wire finishes first: nothing of it may outlive the service (or a test's teardown).
    await this.inFlight;
    await this.reset().catch(() => undefined);
  }

  /** One round trip, or the one already under way; never throws. */
  check(): Promise<boolean> {
    this.inFlight ??= this.answer().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async answer(): Promise<boolean> {
    try {
      await withTimeout(this.ask(), this.timeoutMs);
      this.ok = true;
    } catch {
      this.ok = false;
      // A reset that hangs (a client stuck disconnecting) must not keep this check in flight for ever.
      await withTimeout(this.reset(), this.timeoutMs).catch(() => undefined);
    }
    return this.ok;
  }
}

async function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timeout: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error('no answer in time')), timeoutMs)))]);
  } finally {
    clearTimeout(timeout);
  }
}
