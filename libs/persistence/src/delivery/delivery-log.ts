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

export interface DeliveryLogOptions {
  /** Longest a record waits for company before its batch is written. */
  maxDelayMs?: number;
  maxBatch?: number;
}

/**
 * Group commit for the delivery log: records from concurrent deliveries are written together,
 * one multi-row upsert of deliveries and one multi-row insert of attempts per batch, in one
 * transaction. Each `record` resolves only once its batch is committed, so the caller's Kafka
 * offset still moves only after the log is durable.
 */
export class DeliveryLog {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly maxDelayMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly dataSource: DataSource,
    { maxDelayMs = 10, maxBatch = 500 }: DeliveryLogOptions = {},
  ) {
    this.maxDelayMs = maxDelayMs;
    this.maxBatch = maxBatch;
  }

  record(entry: LogEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...entry, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.maxDelayMs);
    });
  }

  /** Writes whatever is queued; resolves when it is committed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    // Batches are written one after another, so a later status never lands before an earlier one.
    this.flushing = this.flushing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.flushing;
  }

  private flushSoon(delayMs: number): void {
    if (delayMs === 0) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => void this.flush(), delayMs);
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      // The newest record per delivery decides its row (one statement cannot update a row twice).
      const latest = new Map<string, Pending>();
      for (const entry of batch) {
        const seen = latest.get(entry.ref.id);
        if (!seen || seen.attempt.attempt <= entry.attempt.attempt) latest.set(entry.ref.id, entry);
      }
      const rows = [...latest.values()];
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
