import { Module } from '@nestjs/common';
import { WebhooksService } from './webhooks.service';

/** Webhook settings alone (no sending, no Kafka): what the declarative config and the CLI need. */
@Module({ providers: [WebhooksService], exports: [WebhooksService] })
export class WebhookSettingsModule {}
