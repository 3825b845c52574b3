import { Module } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { EventCatalog } from '@herald/events';
import { Mailer } from './mailer';

/** Provides the Mailer. Needs HeraldConfigModule and EventCatalogModule (both global) in the importing app. */
@Module({
  providers: [{ provide: Mailer, inject: [HERALD_CONFIG, EventCatalog], useFactory: (config: HeraldConfig, catalog: EventCatalog) => new Mailer(config, catalog) }],
  exports: [Mailer],
})
export class EmailModule {}
