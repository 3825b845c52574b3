import { Module } from '@nestjs/common';
import { PortalSessionsModule } from '../admin/portal-sessions/portal-sessions.module';
import { ConsoleController } from './console.controller';

/** The web console's server side: portal link exchange and session info (its files: setupConsoleHttp). */
@Module({ imports: [PortalSessionsModule], controllers: [ConsoleController] })
export class ConsoleModule {}
