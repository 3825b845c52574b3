import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryOutcomes } from '@herald/deliveries';
import { EventCatalogModule } from '@herald/events';
import { KafkaModule } from '@herald/kafka';
import { DeliveryMetrics, ObservabilityModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { RoutingController } from './routing/routing.controller';
import { RoutingService } from './routing/routing.service';
import { SubscriptionCache } from './routing/subscriptions';

@Module({
  imports: [HeraldConfigModule, EventCatalogModule, ObservabilityModule.forService('router'), KafkaModule.forService('router'), PersistenceModule],
  controllers: [RoutingController],
  providers: [RoutingService, SubscriptionCache, DeliveryMetrics, DeliveryOutcomes],
})
export class RouterModule {}
