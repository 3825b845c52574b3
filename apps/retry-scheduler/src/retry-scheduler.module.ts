import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { KafkaModule } from '@herald/kafka';
import { ObservabilityModule, RetryMetrics } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { ReplayRunner } from './replays/replay-runner';
import { RetryController } from './scheduling/retry.controller';

@Module({
  imports: [HeraldConfigModule, ObservabilityModule.forService('retry-scheduler'), KafkaModule.forService('retry-scheduler'), PersistenceModule],
  providers: [RetryController, RetryMetrics, ReplayRunner],
})
export class RetrySchedulerModule {}
