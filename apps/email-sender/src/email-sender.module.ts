import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryOutcomes, ReplayPacing } from '@herald/deliveries';
import { EmailModule } from '@herald/email';
import { EventCatalogModule } from '@herald/events';
import { KafkaModule } from '@herald/kafka';
import { DeliveryMetrics, ObservabilityModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { EmailDeliveryController } from './delivery/email-delivery.controller';
import { EmailDeliveryService } from './delivery/email-delivery.service';
import { MadeAttempts } from './delivery/made-attempts';

@Module({
  imports: [HeraldConfigModule, EventCatalogModule, ObservabilityModule.forService('email-sender'), KafkaModule.forService('email-sender'), PersistenceModule, EmailModule],
  providers: [EmailDeliveryController, EmailDeliveryService, MadeAttempts, DeliveryOutcomes, DeliveryMetrics, ReplayPacing],
})
export class EmailSenderModule {}
