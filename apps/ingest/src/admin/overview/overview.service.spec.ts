import type { DeliveryStatsRepository } from '@herald/persistence';
import { OverviewService, pivotHourly, successRate } from './overview.service';

describe('overview', () => {
  const at = (iso: string) => new Date(iso);

  it('pivots (hour, status, count) rows into one entry per hour, oldest first', () => {
    expect(
      pivotHourly([
        { hour: at('2026-12-01T10:00:00Z'), status: 'failed', count: 2 },
        { hour: at('2026-12-01T09:00:00Z'), status: 'succeeded', count: 5 },
        { hour: at('2026-12-01T10:00:00Z'), status: 'succeeded', count: 3 },
        { hour: at('2026-12-01T10:00:00Z'), status: 'held', count: 1 },
      ]),
    ).toEqual([
      { hour: '2026-12-01T09:00:00.000Z', succeeded: 5, failed: 0, pending: 0, held: 0 },
      { hour: '2026-12-01T10:00:00.000Z', succeeded: 3, failed: 2, pending: 0, held: 1 },
    ]);
  });

  it('has no success rate before anything finished', () => {
    expect(successRate(0, 0)).toBeNull();
    expect(successRate(3, 1)).toBe(0.75);
  });

  it('sums the window, asks for 24 hours back and reports each destination', async () => {
    const now = at('2026-12-01T12:00:00Z');
    const asked: Date[] = [];
    const stats = {
      hourly: async (_org: string, since: Date) => {
        asked.push(since);
        return [
          { hour: at('2026-12-01T11:00:00Z'), status: 'succeeded' as const, count: 9 },
          { hour: at('2026-12-01T11:00:00Z'), status: 'failed' as const, count: 1 },
          { hour: at('2026-12-01T10:00:00Z'), status: 'pending' as const, count: 2 },
        ];
      },
      countInStatus: async () => 4,
      perDestination: async () => [{ destinationId: 'wh_1', lastDeliveryAt: at('2026-12-01T11:30:00Z'), succeeded: 9, failed: 1 }],
    } as unknown as DeliveryStatsRepository;

    const overview = await new OverviewService(stats).overview('org_1', now);
    expect(asked).toEqual([at('2026-11-30T12:00:00Z')]);
    expect(overview.totals).toEqual({ succeeded: 9, failed: 1, pending: 2, held: 0, success_rate: 0.9 });
    expect(overview.held_now).toBe(4);
    expect(overview.destinations).toEqual([{ id: 'wh_1', last_delivery_at: '2026-12-01T11:30:00.000Z', succeeded: 9, failed: 1 }]);
  });
});
