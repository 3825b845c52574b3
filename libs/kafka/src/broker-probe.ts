import type { Admin, Kafka } from 'kafkajs';

/** How often the broker is asked, and how long an answer may take before it counts as no answer. */
const PROBE_INTERVAL_MS = 2_000;
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Whether the broker answers, asked in the background (a metadata request every 2 s) so that readiness reads
 * the last answer and never waits on the network. A failed or slow answer drops the admin connection; the next
 * probe connects afresh, so readiness comes back by itself when the broker does.
 */
export class BrokerProbe {
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  reachable = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly intervalMs = PROBE_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
    void this.probe();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  /** One metadata round trip; never throws. */
  async probe(): Promise<boolean> {
    if (this.probing) return this.reachable;
    this.probing = true;
    let timeout: NodeJS.Timeout | undefined;
    try {
      const ask = async () => {
        this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
        await this.admin.connect();
        await this.admin.describeCluster();
      };
      await Promise.race([ask(), new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error('broker probe timed out')), PROBE_TIMEOUT_MS)))]);
      this.reachable = true;
    } catch {
      this.reachable = false;
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
    } finally {
      clearTimeout(timeout);
      this.probing = false;
    }
    return this.reachable;
  }
}
