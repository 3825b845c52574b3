import type { DataSource } from 'typeorm';
import type { DeliveryStatus } from './delivery.entity';

/** Deliveries created in one hour, by status. */
export interface HourlyDeliveries {
  hour: Date;
  status: DeliveryStatus;
  count: number;
}

/** One destination's recent record: what a list of webhooks shows beside each. */
export interface DestinationStats {
  destinationId: string;
  lastDeliveryAt: Date | null;
  succeeded: number;
  failed: number;
}

/** Read-only aggregates over the delivery log for an org's overview. */
export class DeliveryStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Deliveries created since `since`, counted per hour and status. */
  async hourly(orgId: string, since: Date): Promise<HourlyDeliveries[]> {
    const rows: { hour: Date; status: DeliveryStatus; count: number }[] = await this.dataSource.query(
      `SELECT date_trunc('hour', created_at) AS hour, status, count(*)::int AS count
       FROM deliveries WHERE org_id = $1 AND created_at >= $2
       GROUP BY 1, 2 ORDER BY 1`,
      [orgId, since],
    );
    return rows.map((row) => ({ hour: new Date(row.hour), status: row.status, count: row.count }));
  }

  /** Deliveries in `status` now, whenever they were created (held ones wait for a resume). */
  async countInStatus(orgId: string, status: DeliveryStatus): Promise<number> {
    const [row]: { count: number }[] = await this.dataSource.query(`SELECT count(*)::int AS count FROM deliveries WHERE org_id = $1 AND status = $2`, [orgId, status]);
    return row.count;
  }

  /** Per destination: its latest attempt ever and its outcomes since `since`. */
  async perDestination(orgId: string, since: Date): Promise<DestinationStats[]> {
    const rows: { destination_id: string; last_delivery_at: Date | null; succeeded: number; failed: number }[] = await this.dataSource.query(
      `SELECT destination_id, max(last_attempt_at) AS last_delivery_at,
              (count(*) FILTER (WHERE status = 'succeeded' AND created_at >= $2))::int AS succeeded,
              (count(*) FILTER (WHERE status = 'failed' AND created_at >= $2))::int AS failed
       FROM deliveries WHERE org_id = $1 GROUP BY destination_id`,
      [orgId, since],
    );
    return rows.map((row) => ({ destinationId: row.destination_id, lastDeliveryAt: row.last_delivery_at ? new Date(row.last_delivery_at) : null, succeeded: row.succeeded, failed: row.failed }));
  }
}
