import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key/api-key.entity';
import { DeliveryEntity } from './delivery/delivery.entity';
import { DeliveryAttemptEntity } from './delivery/delivery-attempt.entity';
import { EmailChannelEntity } from './email-channel/email-channel.entity';
import { EventLogEntity } from './event-log/event-log.entity';
import { IdempotencyRecordEntity } from './idempotency-record/idempotency-record.entity';
import { InitialSchema1763860000000 } from './migrations/1763860000000-initial-schema';
import { EmailChannels1763870000000 } from './migrations/1763870000000-email-channels';
import { AdminApi1763884000000 } from './migrations/1763884000000-admin-api';
import { OperationsIndexes1763900000000 } from './migrations/1763900000000-operations-indexes';
import { WebhookRateLimit1763910000000 } from './migrations/1763910000000-webhook-rate-limit';
import { SubscriptionsVersion1764600100000 } from './migrations/1764600100000-subscriptions-version';
import { PortalSessions1764600300000 } from './migrations/1764600300000-portal-sessions';
import { WebhookWireContract1764600400000 } from './migrations/1764600400000-webhook-wire-contract';
import { ContentFilters1764700100000 } from './migrations/1764700100000-content-filters';
import { Replays1764700200000 } from './migrations/1764700200000-replays';
import { DeliveryOrdering1764700400000 } from './migrations/1764700400000-delivery-ordering';
import { RedundantDeliveryIndex1764800000000 } from './migrations/1764800000000-redundant-delivery-index';
import { OrgEntity } from './org/org.entity';
import { runUnnamed } from './prepared-statement';
import { OrgEventTypeEntity } from './org/org-event-type.entity';
import { PortalSessionEntity } from './portal-session/portal-session.entity';
import { ReplayEntity } from './replay/replay.entity';
import { RateLimitCounterEntity } from './rate-limit-counter/rate-limit-counter.entity';
import { WebhookEntity } from './webhook/webhook.entity';
import { WebhookSecretEntity } from './webhook/webhook-secret.entity';

export const ENTITIES = [OrgEntity, OrgEventTypeEntity, EventLogEntity, WebhookEntity, WebhookSecretEntity, DeliveryEntity, DeliveryAttemptEntity, EmailChannelEntity, ApiKeyEntity, IdempotencyRecordEntity, RateLimitCounterEntity, PortalSessionEntity, ReplayEntity];
export const MIGRATIONS = [InitialSchema1763860000000, EmailChannels1763870000000, AdminApi1763884000000, OperationsIndexes1763900000000, WebhookRateLimit1763910000000, SubscriptionsVersion1764600100000, PortalSessions1764600300000, WebhookWireContract1764600400000, ContentFilters1764700100000, Replays1764700200000, DeliveryOrdering1764700400000, RedundantDeliveryIndex1764800000000];

/** `preparedStatements: false` runs PreparedStatement's statements unnamed (see DATABASE_PREPARED_STATEMENTS). */
export function createDataSource(url: string, poolSize = 10, { preparedStatements = true } = {}): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'herald_migrations',
    synchronize: false,
    extra: { max: poolSize },
  });
  if (!preparedStatements) runUnnamed(dataSource);
  return dataSource;
}

/** Any number of processes may call this at once: an advisory lock lets one migrate while the others wait. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(727274)');
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    await runner.release();
  }
}
