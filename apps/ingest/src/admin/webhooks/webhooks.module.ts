import { Module } from '@nestjs/common';
import { DeliveryControlModule } from '@herald/deliveries';
import { HttpSender } from '@herald/webhook-transport';
import { WebhookActionsService } from './webhook-actions.service';
import { WebhookSettingsModule } from './webhook-settings.module';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [WebhookSettingsModule, DeliveryControlModule],
  controllers: [WebhooksController],
  providers: [WebhookActionsService, HttpSender],
})
export class WebhooksModule {}
