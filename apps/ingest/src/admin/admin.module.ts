import { Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { DeclarativeConfigModule } from './declarative-config/declarative-config.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { EmailChannelsModule } from './email-channels/email-channels.module';
import { EventTypesModule } from './event-types/event-types.module';
import { EventsModule } from './events/events.module';
import { AdminHousekeeping } from './housekeeping/admin-housekeeping';
import { OverviewModule } from './overview/overview.module';
import { PortalSessionsModule } from './portal-sessions/portal-sessions.module';
import { ReplaysModule } from './replays/replays.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export const ADMIN_PREFIX = 'api/v1';

/** The modules whose controllers make up the admin API (and its OpenAPI document). */
export const ADMIN_API_MODULES = [WebhooksModule, DeliveriesModule, EmailChannelsModule, EventTypesModule, EventsModule, ApiKeysModule, PortalSessionsModule, OverviewModule, ReplaysModule];

/** The admin REST API under /api/v1, plus the declarative config applied at start. */
@Module({
  imports: [...ADMIN_API_MODULES, RouterModule.register([{ path: ADMIN_PREFIX, children: ADMIN_API_MODULES }]), DeclarativeConfigModule.atStart()],
  providers: [AdminHousekeeping],
})
export class AdminModule {}
