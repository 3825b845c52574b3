import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { HealthRegistry } from '@herald/observability';
import { ApiKeyRepository } from './api-key/api-key.repository';
import { createDataSource } from './data-source';
import { DatabaseProbe } from './database-probe';
import { EmailChannelRepository } from './email-channel/email-channel.repository';
import { DeliveryRepository } from './delivery/delivery.repository';
import { DeliveryStatsRepository } from './delivery/delivery-stats.repository';
import { EventLogRepository } from './event-log/event-log.repository';
import { IdempotencyRecordRepository } from './idempotency-record/idempotency-record.repository';
import { OrgRepository } from './org/org.repository';
import { PortalSessionRepository } from './portal-session/portal-session.repository';
import { RateLimitCounterRepository } from './rate-limit-counter/rate-limit-counter.repository';
import { ReplayRepository } from './replay/replay.repository';
import { WebhookRepository } from './webhook/webhook.repository';

/** Readiness includes whether PostgreSQL answers now (DatabaseProbe, on a connection of its own, not the pool's). */
@Injectable()
class DataSourceLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly probe: DatabaseProbe;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
    private readonly deliveries: DeliveryRepository,
    health: HealthRegistry,
  ) {
    this.probe = new DatabaseProbe(config.DATABASE_URL);
    health.register('postgres', () => ({ ready: this.probe.reachable, live: true }));
  }

  async onModuleInit(): Promise<void> {
    await this.probe.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.stop();
    await this.deliveries.flushLog();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

const repositories = [
  OrgRepository,
  EventLogRepository,
  WebhookRepository,
  DeliveryRepository,
  EmailChannelRepository,
  ApiKeyRepository,
  IdempotencyRecordRepository,
  RateLimitCounterRepository,
  PortalSessionRepository,
  DeliveryStatsRepository,
  ReplayRepository,
];

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [HERALD_CONFIG],
      useFactory: (config: HeraldConfig) => createDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE, { preparedStatements: config.DATABASE_PREPARED_STATEMENTS }).initialize(),
    },
    ...repositories.map((Repository) => ({ provide: Repository, inject: [DataSource], useFactory: (ds: DataSource) => new Repository(ds) })),
    DataSourceLifecycle,
  ],
  exports: [DataSource, ...repositories],
})
export class PersistenceModule {}
