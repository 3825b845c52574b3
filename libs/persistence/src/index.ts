export { createDataSource, runMigrations } from './data-source';
export { DeliveryRepository, type AttemptRecord, type DeliveryRef } from './delivery/delivery.repository';
export { DeliveryEntity, type DeliveryStatus } from './delivery/delivery.entity';
export { DeliveryAttemptEntity } from './delivery/delivery-attempt.entity';
export { EventLogRepository } from './event-log/event-log.repository';
export { OrgRepository } from './org/org.repository';
export { PersistenceModule } from './persistence.module';
export { DEFAULT_RETRY_SCHEDULE, WebhookEntity } from './webhook/webhook.entity';
export { WebhookRepository, type NewWebhook } from './webhook/webhook.repository';
