import { startAdminApi, type AdminApi } from './admin-api';

/** An operator's pause through the admin API; what a paused webhook does with deliveries is the engine's (e2e/webhook-engine). */
describe('admin API: pausing a webhook', () => {
  let api: AdminApi;

  beforeAll(async () => {
    api = await startAdminApi();
  });
  afterAll(() => api?.close());

  it('pauses until resumed, keeps the first pause time, and is refused to viewers and other orgs', async () => {
    const { orgId, key } = await api.org('admin');
    const { body: hook } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/hook' } });
    expect(hook.paused).toBe(false);

    const paused = await api.call('POST', `/api/v1/webhooks/${hook.id}/pause`, { key });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: hook.id, paused: true, paused_at: expect.any(String) });
    const again = await api.call('POST', `/api/v1/webhooks/${hook.id}/pause`, { key });
    expect(again.body.paused_at).toBe(paused.body.paused_at);
    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key })).body.paused).toBe(true);

    const resumed = await api.call('POST', `/api/v1/webhooks/${hook.id}/resume`, { key });
    expect(resumed.body).toEqual({ id: hook.id, paused: false, replayed: 0 });
    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key })).body.paused).toBe(false);

    const viewer = await api.key(orgId, 'viewer');
    expect((await api.call('POST', `/api/v1/webhooks/${hook.id}/pause`, { key: viewer })).status).toBe(403);
    const other = await api.org('admin');
    expect((await api.call('POST', `/api/v1/webhooks/${hook.id}/pause`, { key: other.key })).status).toBe(404);
  });
});
