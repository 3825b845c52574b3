import { DataSource } from 'typeorm';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity';
import { DeliveryAttemptEntity } from './delivery-attempt.entity';

export interface DeliveryRef {
  id: string;
  orgId: string;
  eventId: string;
  eventType: string;
  destinationKind: string;
  destinationId: string;
}

export interface AttemptRecord {
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
  succeeded: boolean;
}

export class DeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records one attempt and the delivery's resulting status together. The delivery row is
   * created on first sight, so a retry that reaches a fresh database still logs.
   */
  async recordAttempt(ref: DeliveryRef, status: DeliveryStatus, attempt: AttemptRecord, nextAttemptAt: Date | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(DeliveryEntity)
        .values({ ...ref, status, attempts: attempt.attempt, lastAttemptAt: attempt.attemptedAt, nextAttemptAt })
        .orUpdate(['status', 'attempts', 'last_attempt_at', 'next_attempt_at', 'updated_at'], ['id'])
        .execute();
      await manager.getRepository(DeliveryAttemptEntity).insert({ deliveryId: ref.id, ...attempt });
    });
  }

  findById(id: string): Promise<DeliveryEntity | null> {
    return this.dataSource.getRepository(DeliveryEntity).findOneBy({ id });
  }

  attempts(deliveryId: string): Promise<DeliveryAttemptEntity[]> {
    return this.dataSource.getRepository(DeliveryAttemptEntity).find({ where: { deliveryId }, order: { attempt: 'ASC', id: 'ASC' } });
  }
}
