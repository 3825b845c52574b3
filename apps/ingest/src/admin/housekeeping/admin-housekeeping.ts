import { Injectable, Logger } from '@nestjs/common';
import { IdempotencyRecordRepository, RateLimitCounterRepository } from '@herald/persistence';
import { PeriodicJob } from '@herald/runtime';
import { describeError } from '@herald/observability';

/** Hourly: deletes expired idempotency records and finished rate-limit windows. Any replica may run it. */
@Injectable()
export class AdminHousekeeping extends PeriodicJob {
  private readonly logger = new Logger('admin-housekeeping');

  constructor(
    private readonly idempotency: IdempotencyRecordRepository,
    private readonly counters: RateLimitCounterRepository,
  ) {
    super(60 * 60_000);
  }

  async run(): Promise<{ idempotencyRecords: number; rateLimitWindows: number }> {
    try {
      const deleted = { idempotencyRecords: await this.idempotency.deleteExpired(), rateLimitWindows: await this.counters.deleteOldWindows() };
      this.logger.debug({ msg: 'deleted expired admin records', ...deleted });
      return deleted;
    } catch (error) {
      this.logger.error({ msg: 'housekeeping failed', error: describeError(error) });
      return { idempotencyRecords: 0, rateLimitWindows: 0 };
    }
  }
}
