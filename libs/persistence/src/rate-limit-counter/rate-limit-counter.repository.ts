import type { DataSource } from 'typeorm';

export interface WindowedBucket {
  bucket: string;
  windowSeconds: number;
}

export interface BucketCount {
  bucket: string;
  /** Requests in the current window, this one included. */
  hits: number;
  /** When the current window ends (epoch ms, by the database's clock). */
  resetAt: number;
  /** The database's clock when it counted (epoch ms): what Retry-After is measured from. */
  now: number;
}

/**
 * Fixed-window request counters in Postgres, so every ingest replica counts against the same
 * limit. Windows are aligned to the epoch by the database clock, so replicas agree on them.
 */
export class RateLimitCounterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts one request in each bucket's current window: one atomic UPSERT for all of them. */
  async hit(buckets: readonly WindowedBucket[]): Promise<BucketCount[]> {
    const rows: { bucket: string; hits: number; reset_at: string; now: string }[] = await this.dataSource.query(
      `INSERT INTO rate_limit_counters (bucket, window_start, hits)
       SELECT b, to_timestamp(floor(extract(epoch FROM now()) / w) * w), 1 FROM unnest($1::text[], $2::int[]) AS t(b, w)
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
       RETURNING bucket, hits,
         (extract(epoch FROM window_start) * 1000)::float8 AS reset_at,
         (extract(epoch FROM now()) * 1000)::float8 AS now`,
      [buckets.map((b) => b.bucket), buckets.map((b) => b.windowSeconds)],
    );
    const windows = new Map(buckets.map((b) => [b.bucket, b.windowSeconds * 1000]));
    return rows.map((row) => ({ bucket: row.bucket, hits: row.hits, resetAt: Number(row.reset_at) + windows.get(row.bucket)!, now: Number(row.now) }));
  }

  /** Drops windows that ended more than an hour ago. */
  async deleteOldWindows(): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '1 hour'`);
    return count;
  }
}
