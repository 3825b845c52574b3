import { Global, Module } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { EventCatalog, parseEventTypeExtensions } from './catalog';

/** The catalog every service sees: built-in types plus HERALD_EVENT_TYPES. */
@Global()
@Module({
  providers: [
    {
      provide: EventCatalog,
      inject: [HERALD_CONFIG],
      useFactory: (config: HeraldConfig) => EventCatalog.withExtensions(parseEventTypeExtensions(config.HERALD_EVENT_TYPES)),
    },
  ],
  exports: [EventCatalog],
})
export class EventCatalogModule {}
