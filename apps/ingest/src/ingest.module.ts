import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { EventCatalogModule } from '@herald/events';
import { KafkaModule } from '@herald/kafka';
import { ApiMetrics, ObservabilityModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { AdminModule } from './admin/admin.module';
import { ConsoleModule } from './console/console.module';
import { IntakeModule } from './intake/intake.module';

/** Kafka intake and the admin REST API (/api/v1), sharing one IntakeService, and the web console (/console). */
@Module({
  imports: [HeraldConfigModule, EventCatalogModule, ObservabilityModule.forService('ingest'), KafkaModule.forService('ingest'), PersistenceModule, IntakeModule, AdminModule, ConsoleModule],
  providers: [ApiMetrics],
})
export class IngestModule {}
