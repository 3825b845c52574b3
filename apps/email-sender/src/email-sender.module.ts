import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { KafkaModule } from '@herald/kafka';
import { ObservabilityModule } from '@herald/observability';
import { EmailDeliveryController } from './delivery/email-delivery.controller';

@Module({
  imports: [HeraldConfigModule, ObservabilityModule.forService('email-sender'), KafkaModule.forService('email-sender')],
  controllers: [EmailDeliveryController],
})
export class EmailSenderModule {}
