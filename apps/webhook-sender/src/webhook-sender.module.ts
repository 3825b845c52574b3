import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { KafkaModule } from '@herald/kafka';
import { ObservabilityModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { DeliveryController } from './delivery/delivery.controller';
import { HttpSender } from './delivery/http-sender';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import { WebhookDirectory } from './delivery/webhook-directory';

@Module({
  imports: [HeraldConfigModule, ObservabilityModule.forService('webhook-sender'), KafkaModule.forService('webhook-sender'), PersistenceModule],
  controllers: [DeliveryController],
  providers: [WebhookDeliveryService, WebhookDirectory, HttpSender],
})
export class WebhookSenderModule {}
