import { Module } from '@nestjs/common';
import { DeliveryOutcomes } from '@herald/deliveries';
import { DeliveryMetrics, IntakeMetrics } from '@herald/observability';
import { RoutingService } from '../routing/routing.service';
import { SubscriptionCache } from '../routing/subscriptions';
import { IntakeController } from './intake.controller';
import { IntakeService } from './intake.service';

@Module({
  providers: [IntakeController, IntakeService, IntakeMetrics, RoutingService, SubscriptionCache, DeliveryMetrics, DeliveryOutcomes],
  exports: [IntakeService],
})
export class IntakeModule {}
