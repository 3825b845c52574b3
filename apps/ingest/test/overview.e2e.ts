import { startAdminApi, type AdminApi } from './admin-api';

/** The org's overview and its org-wide delivery log, over deliveries written straight into the log. */
describe('admin API: overview and the org-wide delivery log', () => {
  let api: AdminApi;

  beforeAll(async () => {
    api = await startAdminApi();
  });
  afterAll(() => api?.close());

  async function delivery(orgId: string, id: string, destinationId: string, status: string, hoursAgo: number): Promise<void> {
    await api.dataSource.query(
      `INSERT INTO deliveries (id, org_id, event_id, event_type, destination_kind, destination_id, status, attempts, last_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $1, 'deploy.failed', 'webhook', $3, $4, 1, now() - make_interval(hours => $5), now() - make_interval(hours => $5), now())`,
      [id, orgId, destinationId, status, hoursAgo],
    );
  }

  it('counts the last 24 hours per hour and status, held deliveries and each destination', async () => {
    const { orgId, key } = await api.org('viewer');
    await delivery(orgId, `${orgId}_1`, 'wh_a', 'succeeded', 1);
    await delivery(orgId, `${orgId}_2`, 'wh_a', 'succeeded', 1);
    await delivery(orgId, `${orgId}_3`, 'wh_a', 'failed', 3);
    await delivery(orgId, `${orgId}_4`, 'wh_b', 'held', 30);

    const { status, body } = await api.call('GET', '/api/v1/overview', { key });
    expect(status).toBe(200);
    expect(body.hourly.map((h: { succeeded: number; failed: number }) => [h.succeeded, h.failed])).toEqual([
      [0, 1],
      [2, 0],
    ]);
    expect(body.totals).toEqual({ succeeded: 2, failed: 1, pending: 0, held: 0, success_rate: 2 / 3 });
    expect(body.held_now).toBe(1);
    expect(body.destinations.sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id))).toEqual([
      { id: 'wh_a', last_delivery_at: expect.any(String), succeeded: 2, failed: 1 },
      { id: 'wh_b', last_delivery_at: expect.any(String), succeeded: 0, failed: 0 },
    ]);

    const log = await api.call('GET', '/api/v1/deliveries?status=succeeded&limit=1', { key });
    expect(log.status).toBe(200);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({ status: 'succeeded', destination: { kind: 'webhook', id: 'wh_a' } });
    const next = await api.call('GET', `/api/v1/deliveries?status=succeeded&limit=1&cursor=${log.body.next_cursor}`, { key });
    expect(next.body.data.map((d: { id: string }) => d.id)).not.toContain(log.body.data[0].id);
    expect((await api.call('GET', '/api/v1/deliveries', { key })).body.data).toHaveLength(4);
  });
});
