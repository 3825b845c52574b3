import type { Admin, Kafka } from 'kafkajs';
import { BackgroundCheck } from '@herald/observability';

/** Whether the broker answers a metadata request, asked in the background on an admin connection of its own. */
export class BrokerProbe {
  private admin: Admin | undefined;
  private readonly background: BackgroundCheck;

  constructor(
    private readonly kafka: Kafka,
    intervalMs?: number,
  ) {
    this.background = new BackgroundCheck(
      async () => {
        this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
        await this.admin.connect();
        await this.admin.describeCluster();
      },
      async () => {
        const admin = this.admin;
        this.admin = undefined;
        await admin?.disconnect();
      },
      intervalMs,
    );
  }

  get reachable(): boolean {
    return this.background.ok;
  }

  start(): void {
    this.background.start();
  }

  stop(): Promise<void> {
    return this.background.stop();
  }

  probe(): Promise<boolean> {
    return this.background.check();
  }
}
