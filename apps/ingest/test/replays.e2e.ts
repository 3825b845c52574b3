import { deliveryId } from '@herald/deliveries';
import { DeliveryRepository, EventLogRepository, type DeliveryStatus } from '@herald/persistence';
import { startAdminApi, type AdminApi } from './admin-api';

/**
 * Replays through the admin API against PostgreSQL: the selection fixed at creation (failed deliveries, or a backfill
 * by the routing rules), problems naming the field, one active replay per destination, reading and cancelling.
 * Running them is the retry-scheduler's (e2e/replays).
 */
describe('admin API: replays', () => {
  let api: AdminApi;

  beforeAll(async () => {
    api = await startAdminApi({ HERALD_API_WEBHOOK_MUTATION_LIMIT: '1000' });
  }, 60_000);
  afterAll(() => api?.close());

  /** An event accepted `secondsAgo` ago, and optionally its delivery to `destinationId` in `status`. */
  async function event(orgId: string, id: string, secondsAgo: number, over: { type?: string; project_id?: string | null } = {}) {
    const at = new Date(Date.now() - secondsAgo * 1000).toISOString();
    await new EventLogRepository(api.dataSource).recordOnce({ id, type: over.type ?? 'deploy.failed', org_id: orgId, project_id: over.project_id ?? null, occurred_at: at, created_at: at, data: {} });
  }
  async function delivery(orgId: string, eventId: string, destinationId: string, status: DeliveryStatus) {
    const id = deliveryId({ org_id: orgId, id: eventId }, destinationId);
    await new DeliveryRepository(api.dataSource).recordAttempt(
      { id, orgId, eventId, eventType: 'deploy.failed', destinationKind: 'webhook', destinationId },
      status,
      { attempt: 1, attemptedAt: new Date(), statusCode: status === 'failed' ? 500 : 204, latencyMs: 5, responseBody: null, error: null, succeeded: status === 'succeeded' },
      null,
    );
    return id;
  }
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  it("selects the webhook's failed deliveries in the range, in event order, and reads, lists and cancels the replay", async () => {
    const { orgId, key } = await api.org('admin');
    const { body: hook } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.20/hook' } });
    // Created out of order: the replay goes by the event's time.
    await event(orgId, 'late', 60);
    await event(orgId, 'early', 120);
    await event(orgId, 'ok', 90);
    await event(orgId, 'too-old', 3 * 3600);
    await delivery(orgId, 'late', hook.id, 'failed');
    await delivery(orgId, 'early', hook.id, 'failed');
    await delivery(orgId, 'ok', hook.id, 'succeeded');
    await delivery(orgId, 'too-old', hook.id, 'failed');

    const created = await api.call('POST', `/api/v1/webhooks/${hook.id}/replays`, { key, body: { since: minutesAgo(60), rate: 20 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^rpl_/), destination: { kind: 'webhook', id: hook.id }, deliveries: 'failed', rate: 20, state: 'running', total: 2, sent: 0, succeeded: 0, failed: 0, finished_at: null });
    const items: { delivery_id: string }[] = await api.dataSource.query('SELECT delivery_id FROM replay_items WHERE replay_id = $1 ORDER BY seq', [created.body.id]);
    expect(items.map((i) => i.delivery_id)).toEqual([deliveryId({ org_id: orgId, id: 'early' }, hook.id), deliveryId({ org_id: orgId, id: 'late' }, hook.id)]);

    const second = await api.call('POST', `/api/v1/webhooks/${hook.id}/replays`, { key, body: { since: minutesAgo(60) } });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ type: 'urn:herald:problem:conflict', field: 'id' });

    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}/replays/${created.body.id}`, { key })).body).toEqual(created.body);
    const listed = await api.call('GET', `/api/v1/webhooks/${hook.id}/replays`, { key });
    expect(listed.body).toEqual({ data: [created.body], next_cursor: null });

    const cancelled = await api.call('DELETE', `/api/v1/webhooks/${hook.id}/replays/${created.body.id}`, { key });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', reason: 'cancelled by request', finished_at: expect.any(String) });
    // Cancelling again answers it as it is; a new replay may start now.
    expect((await api.call('DELETE', `/api/v1/webhooks/${hook.id}/replays/${created.body.id}`, { key })).body).toEqual(cancelled.body);
    expect((await api.call('POST', `/api/v1/webhooks/${hook.id}/replays`, { key, body: { since: minutesAgo(60) } })).status).toBe(201);
  });

  it("backfills a new webhook with the events of the range it would have received, before it existed too", async () => {
    const { orgId, key } = await api.org('admin');
    await event(orgId, 'b-1', 300, { project_id: 'prj_1' });
    await event(orgId, 'b-2', 200, { type: 'deploy.succeeded', project_id: 'prj_1' });
    await event(orgId, 'b-3', 100, { project_id: 'prj_2' });
    await event(orgId, 'b-4', 50, { type: 'deploy_failed', project_id: 'prj_1' });
    const { body: hook } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.21/hook', events: ['deploy.failed'], project_ids: ['prj_1'] } });
    const created = await api.call('POST', `/api/v1/webhooks/${hook.id}/replays`, { key, body: { since: minutesAgo(10), deliveries: 'all' } });
    expect(created.body).toMatchObject({ deliveries: 'all', total: 2, rate: 5 });
    const items: { event_id: string; delivery_id: string }[] = await api.dataSource.query('SELECT event_id, delivery_id FROM replay_items WHERE replay_id = $1 ORDER BY seq', [created.body.id]);
    expect(items).toEqual(['b-1', 'b-4'].map((id) => ({ event_id: id, delivery_id: deliveryId({ org_id: orgId, id }, hook.id) })));
  });

  it('answers bad input with a problem naming the field, and another org with 404', async () => {
    const { key } = await api.org('admin');
    const { body: hook } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.22/hook' } });
    const post = (body: unknown) => api.call('POST', `/api/v1/webhooks/${hook.id}/replays`, { key, body });
    const cases: [unknown, string][] = [
      [{}, 'since'],
      [{ since: 'yesterday' }, 'since'],
      [{ since: minutesAgo(10), until: minutesAgo(20) }, 'until'],
      [{ since: minutesAgo(10), until: new Date(Date.now() + 3_600_000).toISOString() }, 'until'],
      [{ since: minutesAgo(10), rate: 0 }, 'rate'],
      [{ since: minutesAgo(10), rate: 101 }, 'rate'],
      [{ since: minutesAgo(10), rate: 2.5 }, 'rate'],
      [{ since: minutesAgo(10), deliveries: 'some' }, 'deliveries'],
      [{ since: minutesAgo(10), extra: true }, 'body'],
    ];
    for (const [body, field] of cases) {
      const answer = await post(body);
      expect([JSON.stringify(body), answer.status, answer.headers.get('content-type'), answer.body.field]).toEqual([JSON.stringify(body), 422, 'application/problem+json; charset=utf-8', field]);
    }
    expect((await api.call('POST', '/api/v1/webhooks/wh_nope/replays', { key, body: { since: minutesAgo(10) } })).status).toBe(404);
    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}/replays/rpl_nope`, { key })).status).toBe(404);
    const other = await api.org('admin');
    expect((await api.call('POST', `/api/v1/webhooks/${hook.id}/replays`, { key: other.key, body: { since: minutesAgo(10) } })).status).toBe(404);
    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}/replays`, { key: other.key })).status).toBe(404);
  });

  it('does the same for email channels, under the email permissions', async () => {
    const { orgId, key } = await api.org('admin');
    const { body: channel } = await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['ops@example.com'] } });
    await event(orgId, 'm-1', 30);
    const created = await api.call('POST', `/api/v1/email-channels/${channel.id}/replays`, { key, body: { since: minutesAgo(5), deliveries: 'all', rate: 2 } });
    expect(created.body).toMatchObject({ destination: { kind: 'email', id: channel.id }, total: 1, rate: 2 });
    const viewer = await api.key(orgId, 'viewer');
    expect((await api.call('GET', `/api/v1/email-channels/${channel.id}/replays/${created.body.id}`, { key: viewer })).body).toEqual(created.body);
    expect((await api.call('DELETE', `/api/v1/email-channels/${channel.id}/replays/${created.body.id}`, { key: viewer })).status).toBe(403);
    expect((await api.call('DELETE', `/api/v1/email-channels/${channel.id}/replays/${created.body.id}`, { key })).body.state).toBe('cancelled');
  });
});
