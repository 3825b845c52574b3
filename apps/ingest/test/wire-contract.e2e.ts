import { WebhookRepository } from '@herald/persistence';
import { startReceiver, type Receiver } from '@herald/testing';
import { parseConfigFile } from '../src/admin/declarative-config/config-file';
import { DeclarativeConfigService } from '../src/admin/declarative-config/declarative-config.service';
import { startAdminApi, type AdminApi } from './admin-api';

/** A webhook's own wire contract through the API: header names, static headers, templates, incident keys, declared in a file. */
describe('admin API: a webhook wire contract', () => {
  let api: AdminApi;
  let receiver: Receiver;

  beforeAll(async () => {
    api = await startAdminApi({ HERALD_API_WEBHOOK_MUTATION_LIMIT: '1000' });
    receiver = await startReceiver(() => ({ status: 204 }));
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await api?.close();
  });

  it('stores secret header values encrypted, never shows them, and keeps them when a PATCH omits the value', async () => {
    const { key } = await api.org();
    const created = await api.call('POST', '/api/v1/webhooks', {
      key,
      body: { url: `${receiver.url}/h`, signing_scheme: 'hmac-sha256', signature_header: 'X-OEC-Signature', headers: [{ name: 'X-Tenant', value: 't-1' }, { name: 'X-Api-Key', value: 'sk_live_123', secret: true }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ signature_header: 'X-OEC-Signature', timestamp_header: null, event_header: null, headers: [{ name: 'X-Tenant', value: 't-1', secret: false }, { name: 'X-Api-Key', value: null, secret: true }] });
    expect(JSON.stringify(created.body)).not.toContain('sk_live_123');
    const [row]: { static_headers: { name: string; value: string }[] }[] = await api.dataSource.query('SELECT static_headers FROM webhooks WHERE id = $1', [created.body.id]);
    expect(row.static_headers[0].value).toBe('t-1');
    expect(row.static_headers[1].value).toMatch(/^enc1:/);

    const patched = await api.call('PATCH', `/api/v1/webhooks/${created.body.id}`, { key, body: { headers: [{ name: 'X-Api-Key', secret: true }, { name: 'X-Region', value: 'eu' }] } });
    expect(patched.status).toBe(200);
    expect((await new WebhookRepository(api.dataSource).findById(created.body.id))!.staticHeaders).toEqual([
      { name: 'X-Api-Key', value: 'sk_live_123', secret: true },
      { name: 'X-Region', value: 'eu', secret: false },
    ]);
    const missing = await api.call('PATCH', `/api/v1/webhooks/${created.body.id}`, { key, body: { headers: [{ name: 'X-Other', secret: true }] } });
    expect([missing.status, missing.body.field]).toEqual([422, 'headers.0.value']);
  });

  it('refuses hop-by-hop and Herald-owned header names, line breaks in values and templates that do not parse, naming the field', async () => {
    const { key } = await api.org();
    const refused = async (body: Record<string, unknown>) => {
      const response = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/h`, ...body } });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      return response.body;
    };
    expect((await refused({ headers: [{ name: 'X-Ok', value: '1' }, { name: 'Transfer-Encoding', value: 'chunked' }] })).field).toBe('headers.1.name');
    expect((await refused({ headers: [{ name: 'webhook-signature', value: 'v1,forged' }] })).field).toBe('headers.0.name');
    expect((await refused({ signing_scheme: 'github', headers: [{ name: 'x-hub-signature-256', value: 'x' }] })).field).toBe('headers.0.name');
    expect((await refused({ headers: [{ name: 'X-Ok', value: 'a\r\nX-Injected: 1' }] })).field).toBe('headers.0.value');
    expect((await refused({ headers: [{ name: 'Bad Name', value: '1' }] })).field).toBe('headers.0.name');
    expect((await refused({ signature_header: 'Host' })).field).toBe('signature_header');
    const syntax = await refused({ payload_template: '{\n  "event": type,\n  "broken": (\n}' });
    expect(syntax).toMatchObject({ field: 'payload_template', position: expect.any(Number) });
    expect(syntax.detail).toMatch(/at position \d+/);
    expect((await refused({ payload_template: 'preset:nope' })).field).toBe('payload_template');
    expect((await refused({ format: 'opsgenie' })).field).toBe('integration_key');
  });

  it('answers a test ping whose template cannot shape it with the reason, not an error', async () => {
    const { key } = await api.org();
    const created = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/h`, payload_template: '$error("only deployments")' } });
    const test = await api.call('POST', `/api/v1/webhooks/${created.body.id}/test`, { key });
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: false, status_code: null, error: expect.stringContaining('only deployments') });
  });

  it('declares the wire contract in a file; applying it twice changes nothing, secret values and keys included', async () => {
    const text = `
orgs:
  - id: org_declared_contract
    event_types: { WorkflowStarted: true }
    webhooks:
      - id: wh_declared_versioner
        url: ${receiver.url}/versioner
        signing_scheme: hmac-sha256
        signature_header: X-Versioner-Signature
        event_header: X-Versioner-Event
        payload_template: preset:versioner
        headers: [{ name: X-Api-Key, value: "\${DECLARED_API_KEY}", secret: true }]
        secret: declared-versioner-secret
      - id: wh_declared_pagerduty
        url: ${receiver.url}/pd
        format: pagerduty
        integration_key: "\${DECLARED_ROUTING_KEY}"
        dedup_key: '"deploy-" & data.deployment_id'
        events: [deploy_failed, deploy_succeeded]
`;
    const env = { DECLARED_API_KEY: 'key-1', DECLARED_ROUTING_KEY: 'R0123456789abcdef0123456789abcde' };
    const service = api.app.get(DeclarativeConfigService, { strict: false });
    const first = await service.apply(parseConfigFile(text, env));
    expect(first.orgs[0].webhooks.map((w) => w.action)).toEqual(['created', 'created']);
    const second = await service.apply(parseConfigFile(text, env));
    expect(second.orgs[0].webhooks.map((w) => w.action)).toEqual(['unchanged', 'unchanged']);
    const third = await service.apply(parseConfigFile(text, { ...env, DECLARED_API_KEY: 'key-2' }));
    expect(third.orgs[0].webhooks.map((w) => w.action)).toEqual(['updated', 'unchanged']);

    const webhooks = new WebhookRepository(api.dataSource);
    expect((await webhooks.findById('wh_declared_versioner'))!.staticHeaders).toEqual([{ name: 'X-Api-Key', value: 'key-2', secret: true }]);
    expect((await webhooks.findById('wh_declared_versioner'))!.eventTypes).toEqual(['*']);
    expect((await webhooks.findById('wh_declared_pagerduty'))!.integrationKey).toBe('R0123456789abcdef0123456789abcde');
    const key = await api.key('org_declared_contract', 'admin');
    const types = (await api.call('GET', '/api/v1/event-types?limit=200', { key })).body.data;
    expect(types.find((t: { type: string }) => t.type === 'workflow.started')).toMatchObject({ enabled: true, aliases: ['WorkflowStarted'] });
  });

  it('lists events sent under an alias when filtering by the type, and the other way round', async () => {
    const { key } = await api.org();
    for (const [id, type] of [['ev-alias', 'deploy_failed'], ['ev-type', 'deploy.failed'], ['ev-other', 'deploy.succeeded']]) {
      expect((await api.call('POST', '/api/v1/events', { key, body: { id, type, data: {} } })).status).toBe(202);
    }
    for (const type of ['deploy.failed', 'deploy_failed']) {
      const listed = await api.call('GET', `/api/v1/events?type=${type}`, { key });
      expect(listed.body.data.map((e: { id: string; type: string }) => `${e.id} ${e.type}`).sort()).toEqual(['ev-alias deploy_failed', 'ev-type deploy.failed']);
    }
  });
});
