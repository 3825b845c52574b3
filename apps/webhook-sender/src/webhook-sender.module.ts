import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryOutcomes } from '@herald/deliveries';
import { EventCatalogModule } from '@herald/events';
import { KafkaModule } from '@herald/kafka';
import { DeliveryMetrics, ObservabilityModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { HttpSender } from '@herald/webhook-transport';
import { DeliveryController } from './delivery/delivery.controller';
import { EndpointBreakers } from './delivery/endpoint-breakers';
import { EndpointHealthMetrics } from './delivery/endpoint-health-metrics';
import { AutoPause } from './delivery/auto-pause';
import { RateLimits } from './delivery/rate-limits';
import { WebhookRequests } from './delivery/webhook-requests';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import { WebhookDirectory } from './delivery/webhook-directory';
import { AttemptRetention } from './retention/attempt-retention';

@Module({
  imports: [HeraldConfigModule, EventCatalogModule, ObservabilityModule.forService('webhook-sender'), KafkaModule.forService('webhook-sender'), PersistenceModule],
  controllers: [DeliveryController],
  providers: [WebhookDeliveryService, AutoPause, RateLimits, WebhookRequests, DeliveryOutcomes, DeliveryMetrics, EndpointHealthMetrics, WebhookDirectory, EndpointBreakers, HttpSender, AttemptRetention],
})
export class WebhookSenderModule {}
