import { DataSource, IsNull, Repository } from 'typeorm';
import { IdempotencyRecordEntity } from './idempotency-record.entity';

export interface IdempotentRequest {
  orgId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
}

export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'existing'; record: IdempotencyRecordEntity };

/** A claim whose request never finished (its process died) blocks the key no longer than this. */
const ABANDONED_AFTER = '5 minutes';

export class IdempotencyRecordRepository {
  private readonly repo: Repository<IdempotencyRecordEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(IdempotencyRecordEntity);
  }

  /**
   * Claims the key for this request in one statement, or returns the record that holds it. An
   * expired record, or an abandoned claim, is taken over as if it were absent.
   */
  async claim(request: IdempotentRequest, ttlMs: number): Promise<IdempotencyClaim> {
    for (;;) {
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_records (org_id, key, method, path, request_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + $6 * interval '1 millisecond')
         ON CONFLICT (org_id, key) DO UPDATE
           SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
               status_code = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE idempotency_records.expires_at <= now()
              OR (idempotency_records.status_code IS NULL AND idempotency_records.created_at < now() - interval '${ABANDONED_AFTER}')
         RETURNING key`,
        [request.orgId, request.key, request.method, request.path, request.requestHash, ttlMs],
      );
      if (claimed.length > 0) return { kind: 'claimed' };
      const record = await this.repo.findOneBy({ orgId: request.orgId, key: request.key });
      // Gone between the two statements (released by a failed first request): claim again.
      if (record) return { kind: 'existing', record };
    }
  }

  async complete(orgId: string, key: string, statusCode: number, responseBody: unknown): Promise<void> {
    // jsonb takes the body as JSON text; `undefined` (an empty response) is stored as null.
    await this.dataSource.query('UPDATE idempotency_records SET status_code = $3, response_body = $4::jsonb WHERE org_id = $1 AND key = $2', [
      orgId,
      key,
      statusCode,
      JSON.stringify(responseBody ?? null),
    ]);
  }

  /** Gives the key back after a failed request, so a retry runs it again. */
  async release(orgId: string, key: string): Promise<void> {
    await this.repo.delete({ orgId, key, statusCode: IsNull() });
  }

  async deleteExpired(): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query('DELETE FROM idempotency_records WHERE expires_at <= now()');
    return count;
  }
}
