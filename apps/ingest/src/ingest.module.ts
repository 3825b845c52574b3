import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { EventCatalogModule } from '@herald/events';
import { KafkaModule } from '@herald/kafka';
import { ObservabilityModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { IntakeModule } from './intake/intake.module';

@Module({
  imports: [HeraldConfigModule, EventCatalogModule, ObservabilityModule.forService('ingest'), KafkaModule.forService('ingest'), PersistenceModule, IntakeModule],
})
export class IngestModule {}
