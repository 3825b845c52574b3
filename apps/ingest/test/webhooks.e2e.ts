import { Webhook } from 'standardwebhooks';
import { deliveryId, parseDeliveryJob } from '@herald/deliveries';
import { Topics } from '@herald/kafka';
import { DeliveryRepository, EventLogRepository, WebhookRepository } from '@herald/persistence';
import { verifyWebhook } from '@herald/signing';
import { readTopic, startReceiver, testKafka, type Receiver } from '@herald/testing';
import { startAdminApi, type AdminApi } from './admin-api';

/** Webhooks through the API: settings, limits, URL rules, the secret's life, test pings, resume and the delivery log. */
describe('admin API: webhooks', () => {
  let api: AdminApi;
  let receiver: Receiver;

  beforeAll(async () => {
    api = await startAdminApi({ HERALD_API_WEBHOOK_MUTATION_LIMIT: '1000', HERALD_MAX_WEBHOOKS_PER_ORG: '3' });
    receiver = await startReceiver((request) => (request.path === '/down' ? { status: 503, body: 'maintenance' } : { status: 204 }));
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await api?.close();
  });

  it('creates a webhook, shows its secret once and never again, updates and deletes it', async () => {
    const { key } = await api.org();
    const created = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/hook`, events: ['deploy.failed', 'deploy.succeeded'], project_ids: ['prj_9'], description: 'ops' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ format: 'raw', signing_scheme: 'standard', events: ['deploy.failed', 'deploy.succeeded'], project_ids: ['prj_9'], enabled: true, paused: false, retry_schedule: ['5s', '30s', '2m', '10m', '1h', '6h'], rate_limit: null });
    expect(created.body.id).toMatch(/^wh_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    const secret = created.body.secret;

    const fetched = await api.call('GET', `/api/v1/webhooks/${created.body.id}`, { key });
    const listed = await api.call('GET', '/api/v1/webhooks', { key });
    const updated = await api.call('PATCH', `/api/v1/webhooks/${created.body.id}`, { key, body: { format: 'slack', events: ['build.failed'], retry_schedule: ['30s', '5m', '30m', '2h'], rate_limit: 1 } });
    for (const response of [fetched, listed, updated]) expect(JSON.stringify(response.body)).not.toContain(secret);
    expect(listed.body).toEqual({ data: [fetched.body], next_cursor: null });
    expect(updated.body).toMatchObject({ format: 'slack', events: ['build.failed'], retry_schedule: ['30s', '5m', '30m', '2h'], rate_limit: 1, description: 'ops' });
    expect((await new WebhookRepository(api.dataSource).signingSecrets(created.body.id))[0]).toBe(secret);

    expect((await api.call('DELETE', `/api/v1/webhooks/${created.body.id}`, { key })).status).toBe(204);
    expect((await api.call('GET', `/api/v1/webhooks/${created.body.id}`, { key })).status).toBe(404);
  });

  it('orders per key with 16 in flight by default; ordering and max_in_flight are set, read and checked per webhook', async () => {
    const { key } = await api.org();
    const created = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/ordered` } });
    expect(created.body).toMatchObject({ ordering: 'key', max_in_flight: 16 });
    const strict = await api.call('PATCH', `/api/v1/webhooks/${created.body.id}`, { key, body: { ordering: 'endpoint' } });
    expect(strict.body).toMatchObject({ ordering: 'endpoint', max_in_flight: 16 });
    const parallel = await api.call('PATCH', `/api/v1/webhooks/${created.body.id}`, { key, body: { ordering: 'none', max_in_flight: 32 } });
    expect(parallel.body).toMatchObject({ ordering: 'none', max_in_flight: 32 });
    expect((await api.call('GET', `/api/v1/webhooks/${created.body.id}`, { key })).body).toMatchObject({ ordering: 'none', max_in_flight: 32 });
    for (const [body, field] of [
      [{ ordering: 'fifo' }, 'ordering'],
      [{ max_in_flight: 0 }, 'max_in_flight'],
      [{ max_in_flight: 65 }, 'max_in_flight'],
      [{ max_in_flight: 2.5 }, 'max_in_flight'],
    ] as const) {
      const refused = await api.call('PATCH', `/api/v1/webhooks/${created.body.id}`, { key, body });
      expect([refused.status, refused.body.field, refused.headers.get('content-type')]).toEqual([422, field, 'application/problem+json; charset=utf-8']);
    }
  });

  it('refuses URLs that are not https or not public, naming the field', async () => {
    const { key } = await api.org();
    const urls = ['http://example.com/hook', 'https://10.0.0.5/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::ffff:192.168.1.1]/x', 'https://user:pw@93.184.215.14/', 'ftp://93.184.215.14/', 'not a url', 'https://does-not-resolve.invalid/hook'];
    for (const url of urls) {
      const response = await api.call('POST', '/api/v1/webhooks', { key, body: { url } });
      expect([url, response.status, response.body.field, response.headers.get('content-type')]).toEqual([url, 422, 'url', 'application/problem+json; charset=utf-8']);
    }
    const { body } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/hook' } });
    const patch = await api.call('PATCH', `/api/v1/webhooks/${body.id}`, { key, body: { url: 'https://127.0.0.1.nip.invalid/' } });
    expect([patch.status, patch.body.field]).toEqual([422, 'url']);
    const unknownField = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/hook', colour: 'red' } });
    expect(unknownField.status).toBe(422);
    const badType = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/hook', timeout_ms: 'soon' } });
    expect([badType.status, badType.body.field]).toEqual([422, 'timeout_ms']);
    const noRate = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/hook', rate_limit: 0 } });
    expect([noRate.status, noRate.body.field]).toEqual([422, 'rate_limit']);
    expect((await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/', events: ['no.such.event'] } })).body.field).toBe('events.0');
  });

  it('answers each limit with a 422 naming it: webhooks per org, events per webhook', async () => {
    const { key } = await api.org();
    const events = ['deploy.failed', 'deploy.succeeded', 'deploy.started', 'deploy.completed', 'deploy.cancelled', 'build.failed', 'build.completed', 'build.started', 'build.pending', 'build.aborted', 'incident_created'];
    const tooMany = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/', events } });
    expect([tooMany.status, tooMany.body.type, tooMany.body.field, tooMany.body.limit]).toEqual([422, 'urn:herald:problem:limit-exceeded', 'events', 10]);
    expect((await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.14/', events: events.slice(0, 10) } })).status).toBe(201);
    await Promise.all([1, 2].map((n) => api.call('POST', '/api/v1/webhooks', { key, body: { url: `https://93.184.215.${n}/` } })));
    const fourth = await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.4/' } });
    expect([fourth.status, fourth.body.type, fourth.body.limit]).toEqual([422, 'urn:herald:problem:limit-exceeded', 3]);
    expect(fourth.body.detail).toBe('an org may have at most 3 webhooks');
  });

  it('sends a signed ping to the receiver and reports its status code and round-trip time', async () => {
    const { key } = await api.org();
    const { body: webhook } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/ping` } });
    const before = receiver.requests.length;
    const result = await api.call('POST', `/api/v1/webhooks/${webhook.id}/test`, { key });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: true, status_code: 204 });
    expect(result.body.round_trip_ms).toBeGreaterThanOrEqual(0);
    const [ping] = (await receiver.waitForRequests(before + 1)).slice(before);
    expect(JSON.parse(ping.body)).toMatchObject({ type: 'ping', data: { webhook_id: webhook.id } });
    expect(ping.headers['x-herald-event']).toBe('ping');
    expect(() => new Webhook(webhook.secret).verify(ping.body, ping.headers as Record<string, string>)).not.toThrow();

    const { body: down } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/down` } });
    expect((await api.call('POST', `/api/v1/webhooks/${down.id}/test`, { key })).body).toMatchObject({ ok: false, status_code: 503, error: 'HTTP 503', response_body: 'maintenance' });
  });

  it('rotates the secret: both sign during the grace window, only the new one after a rotation without grace', async () => {
    const { key } = await api.org();
    const { body: webhook } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/rotate`, signing_scheme: 'github' } });
    const rotated = await api.call('POST', `/api/v1/webhooks/${webhook.id}/rotate-secret`, { key });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(webhook.secret);
    expect(Date.parse(rotated.body.previous_secrets_expire_at) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(JSON.stringify((await api.call('GET', `/api/v1/webhooks/${webhook.id}`, { key })).body)).not.toContain(rotated.body.secret);

    const verify = async (secret: string) => {
      const before = receiver.requests.length;
      await api.call('POST', `/api/v1/webhooks/${webhook.id}/test`, { key });
      const [request] = (await receiver.waitForRequests(before + 1)).slice(before);
      return verifyWebhook({ scheme: 'github', secret, body: request.body, headers: request.headers as Record<string, string> });
    };
    await expect(verify(webhook.secret)).resolves.toBe(true);
    await expect(verify(rotated.body.secret)).resolves.toBe(true);

    const cutOver = await api.call('POST', `/api/v1/webhooks/${webhook.id}/rotate-secret`, { key, body: { grace_seconds: 0 } });
    await expect(verify(cutOver.body.secret)).resolves.toBe(true);
    await expect(verify(rotated.body.secret)).rejects.toThrow();
  });

  it('resumes a paused webhook, replaying its held deliveries in order, and shows and retries them in the delivery log', async () => {
    const { orgId, key } = await api.org();
    const { body: webhook } = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/held`, pause_after_failures: 2 } });
    const webhooks = new WebhookRepository(api.dataSource);
    const deliveries = new DeliveryRepository(api.dataSource);
    await webhooks.recordFailure(webhook.id);
    await webhooks.recordFailure(webhook.id);
    expect((await api.call('GET', `/api/v1/webhooks/${webhook.id}`, { key })).body).toMatchObject({ paused: true, consecutive_failures: 2 });

    const events = ['first', 'second', 'third'].map((name, i) => ({ id: `evt_${orgId}_${name}`, type: 'deploy.failed', org_id: orgId, project_id: null, occurred_at: new Date(Date.now() + i).toISOString(), created_at: new Date(Date.now() + i).toISOString(), data: { name } }));
    for (const event of events) {
      await new EventLogRepository(api.dataSource).recordOnce(event);
      expect(await deliveries.holdIfPaused({ id: deliveryId(event, webhook.id), orgId, eventId: event.id, eventType: event.type, destinationKind: 'webhook', destinationId: webhook.id }, 0)).toBe(true);
    }
    const held = await api.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries?status=held`, { key });
    expect(held.body.data.map((d: { event_id: string }) => d.event_id)).toEqual(events.map((e) => e.id).reverse());

    const resumed = await api.call('POST', `/api/v1/webhooks/${webhook.id}/resume`, { key });
    expect(resumed.body).toEqual({ id: webhook.id, paused: false, replayed: 3 });
    expect((await api.call('GET', `/api/v1/webhooks/${webhook.id}`, { key })).body).toMatchObject({ paused: false, consecutive_failures: 0 });
    const kafka = testKafka();
    // Other suites leave poison jobs on the topic on purpose (too deep, unreadable): those are not ours either.
    const parsed = (value: Buffer | null) => {
      try {
        return [parseDeliveryJob(value)];
      } catch {
        return [];
      }
    };
    const ours = (messages: { value: Buffer | null }[]) => messages.flatMap((m) => parsed(m.value)).filter((job) => job.destination.id === webhook.id);
    const replayed = ours(await readTopic(kafka, Topics.webhookDeliveries, (seen) => ours(seen).length >= 3));
    expect(replayed.map((job) => job.event.data.name)).toEqual(['first', 'second', 'third']);

    const first = deliveryId(events[0], webhook.id);
    await deliveries.recordAttempt({ id: first, orgId, eventId: events[0].id, eventType: 'deploy.failed', destinationKind: 'webhook', destinationId: webhook.id }, 'failed', { attempt: 1, attemptedAt: new Date(), statusCode: 500, latencyMs: 12, responseBody: 'boom', error: 'HTTP 500', succeeded: false }, null);
    const detail = await api.call('GET', `/api/v1/deliveries/${first}`, { key });
    expect(detail.body).toMatchObject({ id: first, status: 'failed', attempts: 1, destination: { kind: 'webhook', id: webhook.id } });
    expect(detail.body.attempt_log).toEqual([expect.objectContaining({ attempt: 1, status_code: 500, latency_ms: 12, response_body: 'boom', error: 'HTTP 500', succeeded: false })]);
    const failed = await api.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries?status=failed&event_type=deploy.failed`, { key });
    expect(failed.body.data).toEqual([expect.objectContaining({ id: first, last_attempt: expect.objectContaining({ status_code: 500 }) })]);

    const retried = await api.call('POST', `/api/v1/deliveries/${first}/retry`, { key });
    expect([retried.status, retried.body]).toEqual([202, { id: first, attempt: 2, status: 'queued' }]);
    const again = ours(await readTopic(kafka, Topics.webhookDeliveries, (seen) => ours(seen).some((job) => job.attempt === 2)));
    expect(again.find((job) => job.attempt === 2)).toMatchObject({ delivery_id: first, event: { id: events[0].id } });
  });
});
