import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { HealthRegistry } from '@herald/observability';
import { ApiKeyRepository } from './api-key/api-key.repository';
import { createDataSource } from './data-source';
import { EmailChannelRepository } from './email-channel/email-channel.repository';
import { DeliveryRepository } from './delivery/delivery.repository';
import { DeliveryStatsRepository } from './delivery/delivery-stats.repository';
import { EventLogRepository } from './event-log/event-log.repository';
import { IdempotencyRecordRepository } from './idempotency-record/idempotency-record.repository';
import { OrgRepository } from './org/org.repository';
import { PortalSessionRepository } from './portal-session/portal-session.repository';
import { RateLimitCounterRepository } from './rate-limit-counter/rate-limit-counter.repository';
import { WebhookRepository } from './webhook/webhook.repository';

@Injectable()
class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
  ) {}

  async onApplicationShutdown(): Promise<void> {
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
];

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [HERALD_CONFIG, HealthRegistry],
      useFactory: async (config: HeraldConfig, health: HealthRegistry) => {
        const dataSource = await createDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE).initialize();
        health.register('postgres', async () => {
          const ok = await dataSource.query('SELECT 1').then(
            () => true,
            () => false,
          );
          return { ready: ok, live: true };
        });
        return dataSource;
      },
    },
    ...repositories.map((Repository) => ({ provide: Repository, inject: [DataSource], useFactory: (ds: DataSource) => new Repository(ds) })),
    DataSourceLifecycle,
  ],
  exports: [DataSource, ...repositories],
})
export class PersistenceModule {}
