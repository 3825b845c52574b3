import { Module } from '@nestjs/common';
import { EmailModule } from '@herald/email';
import { EmailChannelsController } from './email-channels.controller';
import { EmailChannelsService } from './email-channels.service';

@Module({ imports: [EmailModule], controllers: [EmailChannelsController], providers: [EmailChannelsService], exports: [EmailChannelsService] })
export class EmailChannelsModule {}
