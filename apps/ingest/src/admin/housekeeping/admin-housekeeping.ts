import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IdempotencyRecordRepository, RateLimitCounterRepository } from '@herald/persistence';

const EVERY_MS = 60 * 60_000;

/** Hourly: deletes expired idempotency records and finished rate-limit windows. Any replica may run it. */
@Injectable()
export class AdminHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('admin-housekeeping');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly idempotency: IdempotencyRecordRepository,
    private readonly counters: RateLimitCounterRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<{ idempotencyRecords: number; rateLimitWindows: number }> {
    try {
      const deleted = { idempotencyRecords: await this.idempotency.deleteExpired(), rateLimitWindows: await this.counters.deleteOldWindows() };
      this.logger.debug({ msg: 'deleted expired admin records', ...deleted });
      return deleted;
    } catch (error) {
      this.logger.error({ msg: 'housekeeping failed', error: String(error) });
      return { idempotencyRecords: 0, rateLimitWindows: 0 };
    }
  }
}
