import { Injectable } from '@nestjs/common';
import { DeliveryStatsRepository, type HourlyDeliveries } from '@herald/persistence';
import type { OverviewView } from './overview.schemas';

const WINDOW_MS = 24 * 3_600_000;
type Counts = Omit<OverviewView['hourly'][number], 'hour'>;

const noDeliveries = (): Counts => ({ succeeded: 0, failed: 0, pending: 0, held: 0 });

/** Rows of (hour, status, count) as one entry per hour with a count per status, oldest first. */
export function pivotHourly(rows: readonly HourlyDeliveries[]): OverviewView['hourly'] {
  const byHour = new Map<number, Counts>();
  for (const row of rows) {
    const counts = byHour.get(row.hour.getTime()) ?? noDeliveries();
    counts[row.status] += row.count;
    byHour.set(row.hour.getTime(), counts);
  }
  return [...byHour.entries()].sort(([a], [b]) => a - b).map(([hour, counts]) => ({ hour: new Date(hour).toISOString(), ...counts }));
}

export function successRate(succeeded: number, failed: number): number | null {
  return succeeded + failed === 0 ? null : succeeded / (succeeded + failed);
}

/** An org's last 24 hours of delivery at a glance. */
@Injectable()
export class OverviewService {
  constructor(private readonly stats: DeliveryStatsRepository) {}

  async overview(orgId: string, now = new Date()): Promise<OverviewView> {
    const since = new Date(now.getTime() - WINDOW_MS);
    const [rows, heldNow, destinations] = await Promise.all([this.stats.hourly(orgId, since), this.stats.countInStatus(orgId, 'held'), this.stats.perDestination(orgId, since)]);
    const hourly = pivotHourly(rows);
    const totals = hourly.reduce((sum, hour) => ({ succeeded: sum.succeeded + hour.succeeded, failed: sum.failed + hour.failed, pending: sum.pending + hour.pending, held: sum.held + hour.held }), noDeliveries());
    return {
      since: since.toISOString(),
      hourly,
      totals: { ...totals, success_rate: successRate(totals.succeeded, totals.failed) },
      held_now: heldNow,
      destinations: destinations.map((d) => ({ id: d.destinationId, last_delivery_at: d.lastDeliveryAt?.toISOString() ?? null, succeeded: d.succeeded, failed: d.failed })),
    };
  }
}
