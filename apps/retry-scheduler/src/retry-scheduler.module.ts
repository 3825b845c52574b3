import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { KafkaModule } from '@herald/kafka';
import { ObservabilityModule, RetryMetrics } from '@herald/observability';
import { RetryController } from './scheduling/retry.controller';

@Module({
  imports: [HeraldConfigModule, ObservabilityModule.forService('retry-scheduler'), KafkaModule.forService('retry-scheduler')],
  controllers: [RetryController],
  providers: [RetryMetrics],
})
export class RetrySchedulerModule {}
