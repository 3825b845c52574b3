import { DeliveryRepository, EventLogRepository } from '@herald/persistence';
import { startAdminApi, type AdminApi } from './admin-api';

/**
 * Who may do what: bearer keys, presets, the org boundary (another org's resource is a 404 on
 * every route and verb), Idempotency-Key, and rate limits counted in Postgres across replicas.
 */
describe('admin API: access', () => {
  let api: AdminApi;
  let replica: AdminApi;

  beforeAll(async () => {
    api = await startAdminApi({ HERALD_API_RATE_LIMIT: '50', HERALD_API_WEBHOOK_MUTATION_LIMIT: '10' });
    replica = await startAdminApi();
  }, 60_000);
  afterAll(async () => {
    await replica?.close();
    await api?.close();
  });

  const webhookBody = (n = 1) => ({ url: `https://93.184.215.${n}/hooks`, events: ['deploy.failed'] });

  /** An org with one of everything, to aim at from another org. */
  async function populatedOrg() {
    const { orgId, key } = await api.org('admin');
    const webhook = (await api.call('POST', '/api/v1/webhooks', { key, body: webhookBody() })).body;
    const channel = (await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['ops@example.com'] } })).body;
    const apiKey = (await api.call('POST', '/api/v1/api-keys', { key, body: { name: 'ci', role: 'viewer' } })).body;
    const at = new Date().toISOString();
    await new EventLogRepository(api.dataSource).recordOnce({ id: `evt_${orgId}`, type: 'deploy.failed', org_id: orgId, project_id: null, occurred_at: at, created_at: at, data: {} });
    const deliveryId = `msg_${orgId}`;
    await new DeliveryRepository(api.dataSource).recordAttempt(
      { id: deliveryId, orgId, eventId: `evt_${orgId}`, eventType: 'deploy.failed', destinationKind: 'webhook', destinationId: webhook.id },
      'failed',
      { attempt: 1, attemptedAt: new Date(), statusCode: 500, latencyMs: 5, responseBody: 'no', error: 'HTTP 500', succeeded: false },
      null,
    );
    return { orgId, key, webhookId: webhook.id as string, channelId: channel.id as string, apiKeyId: apiKey.id as string, deliveryId };
  }

  /** Every route with an id, every verb. */
  const routesOn = (ids: { webhookId: string; channelId: string; apiKeyId: string; deliveryId: string }): [string, string, unknown?][] => [
    ['GET', `/api/v1/webhooks/${ids.webhookId}`],
    ['PATCH', `/api/v1/webhooks/${ids.webhookId}`, { description: 'mine now' }],
    ['DELETE', `/api/v1/webhooks/${ids.webhookId}`],
    ['POST', `/api/v1/webhooks/${ids.webhookId}/test`],
    ['POST', `/api/v1/webhooks/${ids.webhookId}/rotate-secret`, {}],
    ['POST', `/api/v1/webhooks/${ids.webhookId}/resume`],
    ['GET', `/api/v1/webhooks/${ids.webhookId}/deliveries`],
    ['GET', `/api/v1/email-channels/${ids.channelId}`],
    ['PATCH', `/api/v1/email-channels/${ids.channelId}`, { name: 'mine now' }],
    ['DELETE', `/api/v1/email-channels/${ids.channelId}`],
    ['POST', `/api/v1/email-channels/${ids.channelId}/test`],
    ['GET', `/api/v1/email-channels/${ids.channelId}/deliveries`],
    ['POST', `/api/v1/webhooks/${ids.webhookId}/replays`, { since: '2026-01-01T00:00:00Z' }],
    ['GET', `/api/v1/webhooks/${ids.webhookId}/replays`],
    ['POST', `/api/v1/email-channels/${ids.channelId}/replays`, { since: '2026-01-01T00:00:00Z' }],
    ['GET', `/api/v1/email-channels/${ids.channelId}/replays`],
    ['GET', `/api/v1/deliveries/${ids.deliveryId}`],
    ['POST', `/api/v1/deliveries/${ids.deliveryId}/retry`],
    ['DELETE', `/api/v1/api-keys/${ids.apiKeyId}`],
  ];

  it('answers 401 without a key, with an unknown key and with a revoked key, and records when a key was used', async () => {
    const missing = await api.call('GET', '/api/v1/webhooks');
    expect([missing.status, missing.headers.get('www-authenticate'), missing.headers.get('content-type')]).toEqual([401, 'Bearer', 'application/problem+json; charset=utf-8']);
    expect(missing.body).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/api/v1/webhooks' });
    expect((await api.call('GET', '/api/v1/webhooks', { key: 'hk_not_a_real_key' })).status).toBe(401);
    expect((await api.call('GET', '/api/v1/webhooks', { headers: { authorization: 'Basic abc' } })).status).toBe(401);

    const { key } = await api.org('admin');
    const created = await api.call('POST', '/api/v1/api-keys', { key, body: { name: 'deploy bot', permissions: ['events:write'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'deploy bot', permissions: ['events:write'], last_used_at: null, revoked_at: null });
    expect(created.body.key).toMatch(/^hk_/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 9));
    expect((await api.call('GET', '/api/v1/event-types', { key: created.body.key })).status).toBe(403);

    const listed = await api.call('GET', '/api/v1/api-keys', { key });
    const bot = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(bot.last_used_at).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const revoked = await api.call('DELETE', `/api/v1/api-keys/${created.body.id}`, { key });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    expect((await api.call('POST', '/api/v1/events', { key: created.body.key, body: { type: 'deploy.failed' } })).status).toBe(401);
  });

  it('lets a viewer read and nothing else; an admin do everything; a key hand out only what it holds', async () => {
    const org = await populatedOrg();
    const viewer = await api.key(org.orgId, 'viewer');
    for (const [method, path, body] of routesOn(org)) {
      const { status } = await api.call(method, path, { key: viewer, body });
      expect([method, path, status]).toEqual([method, path, method === 'GET' ? 200 : 403]);
    }
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/webhooks', webhookBody()],
      ['POST', '/api/v1/email-channels', { recipients: ['a@example.com'] }],
      ['POST', '/api/v1/events', { type: 'deploy.failed' }],
      ['PATCH', '/api/v1/event-types/deploy.started', { enabled: true }],
      ['POST', '/api/v1/api-keys', { role: 'viewer' }],
    ];
    for (const [method, path, body] of writes) {
      const response = await api.call(method, path, { key: viewer, body });
      expect([path, response.status]).toEqual([path, 403]);
      expect(response.body.detail).toMatch(/lacks the '[a-z-]+:write' permission/);
    }
    for (const path of ['/api/v1/webhooks', '/api/v1/email-channels', '/api/v1/events', '/api/v1/event-types']) {
      expect([path, (await api.call('GET', path, { key: viewer })).status]).toEqual([path, 200]);
    }
    expect((await api.call('GET', '/api/v1/api-keys', { key: viewer })).status).toBe(403);

    const keyMaker = (await api.call('POST', '/api/v1/api-keys', { key: org.key, body: { permissions: ['api-keys:write', 'webhooks:read'] } })).body.key;
    const escalation = await api.call('POST', '/api/v1/api-keys', { key: keyMaker, body: { role: 'admin' } });
    expect([escalation.status, escalation.body.permission]).toEqual([403, 'webhooks:write']);
    expect((await api.call('POST', '/api/v1/api-keys', { key: keyMaker, body: { permissions: ['webhooks:read'] } })).status).toBe(201);
    const both = await api.call('POST', '/api/v1/api-keys', { key: org.key, body: { role: 'viewer', permissions: ['webhooks:read'] } });
    expect([both.status, both.body.field]).toEqual([422, 'role']);
  });

  it("answers 404 for another org's resources on every route and verb, and changes nothing", async () => {
    const victim = await populatedOrg();
    const intruder = await api.org('admin');
    for (const [method, path, body] of routesOn(victim)) {
      const response = await api.call(method, path, { key: intruder.key, body });
      expect([method, path, response.status, response.body?.type]).toEqual([method, path, 404, 'urn:herald:problem:not-found']);
    }
    // Lists show only the caller's org; toggles are per org.
    for (const path of ['/api/v1/webhooks', '/api/v1/email-channels', '/api/v1/events']) {
      expect([path, (await api.call('GET', path, { key: intruder.key })).body.data]).toEqual([path, []]);
    }
    expect((await api.call('GET', '/api/v1/api-keys', { key: intruder.key })).body.data.map((k: { id: string }) => k.id)).not.toContain(victim.apiKeyId);
    expect((await api.call('PATCH', '/api/v1/event-types/deploy.failed', { key: intruder.key, body: { enabled: false } })).body.enabled).toBe(false);
    const victimTypes = (await api.call('GET', '/api/v1/event-types?limit=200', { key: victim.key })).body.data;
    expect(victimTypes.find((t: { type: string }) => t.type === 'deploy.failed').enabled).toBe(true);
    // An event naming another org is refused, not published there.
    const foreign = await api.call('POST', '/api/v1/events', { key: intruder.key, body: { type: 'deploy.failed', org_id: victim.orgId } });
    expect([foreign.status, foreign.body.field]).toEqual([422, 'org_id']);

    for (const [method, path] of routesOn(victim).filter(([m]) => m === 'GET')) expect([path, (await api.call(method, path, { key: victim.key })).status]).toEqual([path, 200]);
    const webhook = (await api.call('GET', `/api/v1/webhooks/${victim.webhookId}`, { key: victim.key })).body;
    expect(webhook.description).toBe('');
    const keys = (await api.call('GET', '/api/v1/api-keys', { key: victim.key })).body.data;
    expect(keys.find((k: { id: string }) => k.id === victim.apiKeyId).revoked_at).toBeNull();
  });

  describe('Idempotency-Key', () => {
    it('replays the stored response without doing the work twice', async () => {
      const { key } = await api.org('admin');
      const headers = { 'idempotency-key': 'create-hook-1' };
      const first = await api.call('POST', '/api/v1/webhooks', { key, body: webhookBody(), headers });
      const again = await api.call('POST', '/api/v1/webhooks', { key, headers, body: JSON.stringify({ events: ['deploy.failed'], url: 'https://93.184.215.1/hooks' }) });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.body).toEqual(first.body);
      expect([first.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([null, 'true']);
      expect((await api.call('GET', '/api/v1/webhooks', { key })).body.data).toHaveLength(1);

      const deleteHeaders = { 'idempotency-key': 'delete-hook-1' };
      expect((await api.call('DELETE', `/api/v1/webhooks/${first.body.id}`, { key, headers: deleteHeaders })).status).toBe(204);
      const replayedDelete = await api.call('DELETE', `/api/v1/webhooks/${first.body.id}`, { key, headers: deleteHeaders });
      expect([replayedDelete.status, replayedDelete.headers.get('idempotent-replayed')]).toEqual([204, 'true']);
      expect((await api.call('DELETE', `/api/v1/webhooks/${first.body.id}`, { key })).status).toBe(404);
    });

    it('answers 422 when the key was used for a different request, and lets a failed request be retried', async () => {
      const { key } = await api.org('admin');
      const headers = { 'idempotency-key': 'k-1' };
      expect((await api.call('POST', '/api/v1/webhooks', { key, body: webhookBody(1), headers })).status).toBe(201);
      const otherBody = await api.call('POST', '/api/v1/webhooks', { key, body: webhookBody(2), headers });
      expect([otherBody.status, otherBody.body.type, otherBody.body.field]).toEqual([422, 'urn:herald:problem:idempotency-key-reused', 'Idempotency-Key']);
      const otherPath = await api.call('POST', '/api/v1/email-channels', { key, body: webhookBody(1), headers });
      expect(otherPath.status).toBe(422);
      expect(otherPath.body.type).toBe('urn:herald:problem:idempotency-key-reused');

      const retryHeaders = { 'idempotency-key': 'k-2' };
      const invalid = await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['not an address'] }, headers: retryHeaders });
      expect([invalid.status, invalid.body.field]).toEqual([422, 'recipients.0']);
      expect((await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['ops@example.com'] }, headers: retryHeaders })).status).toBe(201);
      expect((await api.call('POST', '/api/v1/webhooks', { key, body: webhookBody(), headers: { 'idempotency-key': 'has space' } })).status).toBe(400);
    });

    it('lets only one of concurrent requests with the same key do the work', async () => {
      const { key } = await api.org('admin');
      const headers = { 'idempotency-key': 'race' };
      const responses = await Promise.all(Array.from({ length: 5 }, () => api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['ops@example.com'] }, headers })));
      expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      expect(new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id)).size).toBe(1);
      expect((await api.call('GET', '/api/v1/email-channels', { key })).body.data).toHaveLength(1);
    });
  });

  describe('rate limits', () => {
    /** Fixed one-minute windows: start a burst early in one, so it is not split across two. */
    async function atWindowStart(): Promise<void> {
      const intoWindow = Date.now() % 60_000;
      if (intoWindow > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 200));
    }

    it('puts X-RateLimit-* on every response and answers 429 with Retry-After over the limit', async () => {
      const { key } = await api.org('viewer');
      await atWindowStart();
      const remaining: number[] = [];
      for (let i = 0; i < 50; i++) {
        const response = await api.call('GET', i % 2 ? '/api/v1/webhooks' : '/api/v1/webhooks/wh_missing', { key });
        expect(response.status).toBe(i % 2 ? 200 : 404);
        expect(response.headers.get('x-ratelimit-limit')).toBe('50');
        const reset = Number(response.headers.get('x-ratelimit-reset'));
        expect(reset * 1000).toBeGreaterThan(Date.now() - 1000);
        expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 61_000);
        remaining.push(Number(response.headers.get('x-ratelimit-remaining')));
      }
      expect(remaining).toEqual(Array.from({ length: 50 }, (_, i) => 49 - i));
      const refused = await api.call('GET', '/api/v1/webhooks', { key });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ status: 429, type: 'urn:herald:problem:rate-limited' });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      // Another key is not affected.
      expect((await api.call('GET', '/api/v1/webhooks', { key: (await api.org('viewer')).key })).status).toBe(200);
    });

    it('allows 10 webhook mutations a minute per key, counted across ingest replicas', async () => {
      const { key } = await api.org('admin');
      await atWindowStart();
      for (let i = 0; i < 10; i++) {
        // Alternate between two ingest instances: the counter lives in Postgres.
        const response = await (i % 2 ? replica : api).call('PATCH', '/api/v1/webhooks/wh_missing', { key, body: { enabled: false } });
        expect([i, response.status, response.headers.get('x-ratelimit-limit'), response.headers.get('x-ratelimit-remaining')]).toEqual([i, 404, '10', String(9 - i)]);
      }
      const refused = await replica.call('POST', '/api/v1/webhooks', { key, body: webhookBody() });
      expect([refused.status, refused.headers.get('x-ratelimit-limit')]).toEqual([429, '10']);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Reads and other mutations still go through.
      expect((await api.call('GET', '/api/v1/webhooks', { key })).status).toBe(200);
      expect((await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['a@example.com'] } })).status).toBe(201);
    });
  });
});
