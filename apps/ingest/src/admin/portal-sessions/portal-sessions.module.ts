import { Module } from '@nestjs/common';
import { PortalSessionsController } from './portal-sessions.controller';
import { PortalSessionsService } from './portal-sessions.service';

@Module({ controllers: [PortalSessionsController], providers: [PortalSessionsService], exports: [PortalSessionsService] })
export class PortalSessionsModule {}
