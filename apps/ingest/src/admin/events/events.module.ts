import { Module } from '@nestjs/common';
import { IntakeModule } from '../../intake/intake.module';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({ imports: [IntakeModule], controllers: [EventsController], providers: [EventsService] })
export class EventsModule {}
