import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryOutcomes, ReplayPacing } from '@herald/deliveries';
import { EventCatalogModule } from '@herald/events';
import { KafkaModule } from '@herald/kafka';
import { DeliveryMetrics, ObservabilityModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { HttpSender } from '@herald/webhook-transport';
import { Admissions } from './delivery/admission';
import { AutoPause } from './delivery/auto-pause';
import { DeliveryController } from './delivery/delivery.controller';
import { EndpointHealthMetrics } from './delivery/endpoint-health-metrics';
import { KeyOrder } from './delivery/key-order';
import { DeliveryPlacement } from './delivery/placement';
import { RateLimits } from './delivery/rate-limits';
import { Settlement } from './delivery/settlement';
import { Spillover } from './delivery/spillover';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import { WebhookRequests } from './delivery/webhook-requests';
import { Endpoints } from './endpoints/endpoints';
import { AttemptRetention } from './retention/attempt-retention';

@Module({
  imports: [HeraldConfigModule, EventCatalogModule, ObservabilityModule.forService('webhook-sender'), KafkaModule.forService('webhook-sender'), PersistenceModule],
  providers: [
    DeliveryController,
    WebhookDeliveryService,
    Endpoints,
    Admissions,
    AutoPause,
    Spillover,
    DeliveryPlacement,
    KeyOrder,
    RateLimits,
    ReplayPacing,
    WebhookRequests,
    Settlement,
    DeliveryOutcomes,
    DeliveryMetrics,
    EndpointHealthMetrics,
    HttpSender,
    AttemptRetention,
  ],
})
export class WebhookSenderModule {}
