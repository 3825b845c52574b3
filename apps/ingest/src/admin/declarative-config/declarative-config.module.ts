import { Module, type DynamicModule } from '@nestjs/common';
import { EmailChannelsModule } from '../email-channels/email-channels.module';
import { WebhookSettingsModule } from '../webhooks/webhook-settings.module';
import { ApplyConfigAtStart, DeclarativeConfigService } from './declarative-config.service';

/** Applying a declarative config file: by the CLI (this module alone) or at start (`atStart()`). */
@Module({
  imports: [WebhookSettingsModule, EmailChannelsModule],
  providers: [DeclarativeConfigService],
  exports: [DeclarativeConfigService],
})
export class DeclarativeConfigModule {
  static atStart(): DynamicModule {
    return { module: DeclarativeConfigModule, providers: [ApplyConfigAtStart] };
  }
}
