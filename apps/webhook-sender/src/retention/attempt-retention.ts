import { Inject, Injectable, Logger } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { DeliveryRepository } from '@herald/persistence';
import { PeriodicJob } from '@herald/runtime';
import { describeError } from '@herald/observability';

/**
 * Deletes delivery attempts past the retention period, hourly. Every replica may run it: the
 * deletes are idempotent and chunked.
 */
@Injectable()
export class AttemptRetention extends PeriodicJob {
  private readonly logger = new Logger('retention');

  constructor(
    private readonly deliveries: DeliveryRepository,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {
    super(60 * 60_000);
  }

  async run(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.HERALD_ATTEMPT_RETENTION_DAYS * 86_400_000);
    try {
      const deleted = await this.deliveries.deleteAttemptsBefore(before);
      if (deleted) this.logger.log({ msg: 'deleted old delivery attempts', deleted, before: before.toISOString() });
      return deleted;
    } catch (error) {
      this.logger.error({ msg: 'retention run failed', error: describeError(error) });
      return 0;
    }
  }
}
