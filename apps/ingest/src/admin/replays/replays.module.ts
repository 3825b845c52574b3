import { Module } from '@nestjs/common';
import { EmailChannelReplaysController, WebhookReplaysController } from './replays.controller';
import { ReplaysService } from './replays.service';

@Module({ controllers: [WebhookReplaysController, EmailChannelReplaysController], providers: [ReplaysService] })
export class ReplaysModule {}
