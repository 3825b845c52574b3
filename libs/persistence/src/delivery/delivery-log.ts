import { DataSource } from 'typeorm';
import type { DeliveryStatus } from './delivery.entity';
import type { AttemptRecord, DeliveryRef } from './delivery.repository';

export interface LogEntry {
  ref: DeliveryRef;
  status: DeliveryStatus;
  attempt: AttemptRecord;
  nextAttemptAt: Date | null;
}

interface Pending extends LogEntry {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Batches written at once; more records wait and go together in the next batch. */
const MAX_CONCURRENT_WRITES = 2;

/**
 * Group commit for the delivery log: records from concurrent deliveries are written together,
 * one multi-row upsert of deliveries and one multi-row insert of attempts per batch, in one
 * transaction. A record is written at once when the log is idle, and queues behind the writes
 * in progress when it is busy, so batches grow with load and add no delay without it. Each
 * `record` resolves only once its batch is committed, so the caller's Kafka offset moves only
 * after the log is durable.
 */
export class DeliveryLog {
  private queue: Pending[] = [];
  private writing = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly dataSource: DataSource) {}

  record(entry: LogEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...entry, resolve, reject });
      // Let the records of this tick join the same batch.
      if (this.queue.length === 1) setImmediate(() => this.pump());
    });
  }

  /** Resolves once everything recorded so far is written (at shutdown). */
  flush(): Promise<void> {
    this.pump();
    if (this.writing === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.writing < MAX_CONCURRENT_WRITES && this.queue.length > 0) {
      const batch = this.queue.splice(0, 1000);
      this.writing++;
      void this.write(batch).finally(() => {
        this.writing--;
        this.pump();
        if (this.writing === 0 && this.queue.length === 0) this.idle.splice(0).forEach((wake) => wake());
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      // The newest record per delivery decides its row (one statement cannot update a row twice).
      const latest = new Map<string, Pending>();
      for (const entry of batch) {
        const seen = latest.get(entry.ref.id);
        if (!seen || seen.attempt.attempt <= entry.attempt.attempt) latest.set(entry.ref.id, entry);
      }
      // Sorted, so two concurrent batches lock shared rows in the same order (no deadlock).
      const rows = [...latest.values()].sort((a, b) => (a.ref.id < b.ref.id ? -1 : 1));
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO deliveries (id, org_id, event_id, event_type, destination_kind, destination_id, status, attempts, last_attempt_at, next_attempt_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[], $10::timestamptz[])
           ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_attempt_at = EXCLUDED.last_attempt_at,
             next_attempt_at = EXCLUDED.next_attempt_at, updated_at = now()
           WHERE deliveries.attempts <= EXCLUDED.attempts`,
          [
            rows.map((e) => e.ref.id),
            rows.map((e) => e.ref.orgId),
            rows.map((e) => e.ref.eventId),
            rows.map((e) => e.ref.eventType),
            rows.map((e) => e.ref.destinationKind),
            rows.map((e) => e.ref.destinationId),
            rows.map((e) => e.status),
            rows.map((e) => e.attempt.attempt),
            rows.map((e) => e.attempt.attemptedAt),
            rows.map((e) => e.nextAttemptAt),
          ],
        );
        {
          await manager.query(
            `INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms, response_body, error, succeeded)
             SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[], $8::bool[])`,
            [
              batch.map((e) => e.ref.id),
              batch.map((e) => e.attempt.attempt),
              batch.map((e) => e.attempt.attemptedAt),
              batch.map((e) => e.attempt.statusCode),
              batch.map((e) => e.attempt.latencyMs),
              batch.map((e) => e.attempt.responseBody),
              batch.map((e) => e.attempt.error),
              batch.map((e) => e.attempt.succeeded),
            ],
          );
        }
      });
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
