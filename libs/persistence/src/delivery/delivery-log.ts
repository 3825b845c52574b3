import { DataSource } from 'typeorm';
import { boolArray, numberArray, textArray } from '../array-literal';
import { GroupCommit, OFFSET_ONLY_LINGER_MS } from '../group-commit';
import { PreparedStatement } from '../prepared-statement';
import type { DeliveryStatus } from './delivery.entity';
import type { AttemptRecord, DeliveryRef } from './delivery.repository';

// One statement, so one round trip and atomic on its own: the state upsert runs as a data-modifying WITH (executed in
// full whether or not the outer insert reads it), the attempts insert as the statement itself.
const WRITE_BATCH = new PreparedStatement(
  'herald_delivery_log_write',
  `WITH states AS (
     INSERT INTO deliveries (id, org_id, event_id, event_type, destination_kind, destination_id, status, attempts, last_attempt_at, next_attempt_at)
     SELECT id, org_id, event_id, event_type, destination_kind, destination_id, status, attempts, to_timestamp(last_attempt_ms / 1000), to_timestamp(next_attempt_ms / 1000)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::float8[], $10::float8[])
       AS s(id, org_id, event_id, event_type, destination_kind, destination_id, status, attempts, last_attempt_ms, next_attempt_ms)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_attempt_at = EXCLUDED.last_attempt_at,
       next_attempt_at = EXCLUDED.next_attempt_at, updated_at = now()
     WHERE deliveries.attempts <= EXCLUDED.attempts
   )
   INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms, response_body, error, succeeded)
   SELECT delivery_id, attempt, to_timestamp(attempted_ms / 1000), status_code, latency_ms, response_body, error, succeeded
   FROM unnest($11::text[], $12::int[], $13::float8[], $14::int[], $15::int[], $16::text[], $17::text[], $18::bool[])
     AS a(delivery_id, attempt, attempted_ms, status_code, latency_ms, response_body, error, succeeded)`,
);

export interface LogEntry {
  ref: DeliveryRef;
  status: DeliveryStatus;
  attempt: AttemptRecord;
  nextAttemptAt: Date | null;
}

/**
 * The delivery log's group commit: records from concurrent deliveries are written together,
 * one multi-row upsert of deliveries and one multi-row insert of attempts per batch, in one
 * statement (one round trip). Each `record` resolves only once its batch is committed, so the
 * caller's Kafka offset moves only after the log is durable. Nothing else waits for it (the endpoint's next delivery
 * starts meanwhile), so records linger for one another (OFFSET_ONLY_LINGER_MS).
 */
export class DeliveryLog {
  private readonly batches: GroupCommit<LogEntry>;

  constructor(private readonly dataSource: DataSource) {
    this.batches = new GroupCommit((batch) => this.write(batch), { lingerMs: OFFSET_ONLY_LINGER_MS });
  }

  record(entry: LogEntry): Promise<void> {
    return this.batches.add(entry);
  }

  /** Resolves once everything recorded so far is written (at shutdown). */
  flush(): Promise<void> {
    return this.batches.flush();
  }

  private async write(batch: LogEntry[]): Promise<void> {
    // The newest record per delivery decides its row (one statement cannot update a row twice).
    const latest = new Map<string, LogEntry>();
    for (const entry of batch) {
      const seen = latest.get(entry.ref.id);
      if (!seen || seen.attempt.attempt <= entry.attempt.attempt) latest.set(entry.ref.id, entry);
    }
    // Sorted, so two concurrent batches lock shared rows in the same order (no deadlock).
    const rows = [...latest.values()].sort((a, b) => (a.ref.id < b.ref.id ? -1 : 1));
    await WRITE_BATCH.run(this.dataSource, [
      textArray(rows.map((e) => e.ref.id)),
      textArray(rows.map((e) => e.ref.orgId)),
      textArray(rows.map((e) => e.ref.eventId)),
      textArray(rows.map((e) => e.ref.eventType)),
      textArray(rows.map((e) => e.ref.destinationKind)),
      textArray(rows.map((e) => e.ref.destinationId)),
      textArray(rows.map((e) => e.status)),
      numberArray(rows.map((e) => e.attempt.attempt)),
      numberArray(rows.map((e) => e.attempt.attemptedAt.getTime())),
      numberArray(rows.map((e) => e.nextAttemptAt?.getTime() ?? null)),
      textArray(batch.map((e) => e.ref.id)),
      numberArray(batch.map((e) => e.attempt.attempt)),
      numberArray(batch.map((e) => e.attempt.attemptedAt.getTime())),
      numberArray(batch.map((e) => e.attempt.statusCode)),
      numberArray(batch.map((e) => e.attempt.latencyMs)),
      textArray(batch.map((e) => e.attempt.responseBody)),
      textArray(batch.map((e) => e.attempt.error)),
      boolArray(batch.map((e) => e.attempt.succeeded)),
    ]);
  }
}
