import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Topics } from '@herald/kafka';
import { EmailChannelRepository, EventLogRepository, WebhookRepository } from '@herald/persistence';
import { readTopic, startSmtpServer, testKafka, type TestSmtpServer } from '@herald/testing';
import { DeclarativeConfigService } from '../src/admin/declarative-config/declarative-config.service';
import { startAdminApi, type AdminApi } from './admin-api';

/** Email channels, events, event types, pagination and the declarative config, through the real app. */
describe('admin API: email channels, events, event types, config', () => {
  let api: AdminApi;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    api = await startAdminApi({ HERALD_MAX_EMAIL_CHANNELS_PER_ORG: '2', HERALD_MAX_RECIPIENTS_PER_CHANNEL: '3' });
    smtp = await startSmtpServer();
  }, 60_000);
  afterAll(async () => {
    await smtp?.close();
    await api?.close();
  });

  it('keeps email channels with their own SMTP server, never returning the password, and sends a test email', async () => {
    const { key } = await api.org();
    const created = await api.call('POST', '/api/v1/email-channels', {
      key,
      body: {
        name: 'Deploy failures → DevOps',
        recipients: ['devops@example.com', 'lead@example.com'],
        events: ['deploy.failed'],
        project_ids: ['prj_9'],
        smtp: { host: smtp.host, port: smtp.port, security: 'none', username: 'herald', password: 's3cret-pw', from: 'Herald <alerts@example.com>' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ recipients: ['devops@example.com', 'lead@example.com'], events: ['deploy.failed'], smtp: { host: smtp.host, port: smtp.port, security: 'none', password_set: true } });
    expect(JSON.stringify(created.body)).not.toContain('s3cret-pw');
    const [row] = await api.dataSource.query('SELECT smtp_password FROM email_channels WHERE id = $1', [created.body.id]);
    expect(row.smtp_password).not.toContain('s3cret-pw');
    expect((await new EmailChannelRepository(api.dataSource).findById(created.body.id))?.smtpPassword).toBe('s3cret-pw');

    // Without a password the server is happy (it requires no AUTH); the stored one is kept unless cleared.
    const kept = await api.call('PATCH', `/api/v1/email-channels/${created.body.id}`, { key, body: { smtp: { host: smtp.host, port: smtp.port, security: 'none', from: 'Herald <alerts@example.com>' } } });
    expect(kept.body.smtp.password_set).toBe(true);
    const cleared = await api.call('PATCH', `/api/v1/email-channels/${created.body.id}`, { key, body: { smtp: { host: smtp.host, port: smtp.port, security: 'none', from: 'Herald <alerts@example.com>', password: null, username: null } } });
    expect(cleared.body.smtp.password_set).toBe(false);

    const test = await api.call('POST', `/api/v1/email-channels/${created.body.id}/test`, { key });
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: true, server: `${smtp.host}:${smtp.port}`, response_code: 250, accepted: ['devops@example.com', 'lead@example.com'], rejected: [] });
    const [mail] = await smtp.waitForMessages(1);
    expect(mail.envelopeTo.sort()).toEqual(['devops@example.com', 'lead@example.com']);

    expect((await api.call('PATCH', `/api/v1/email-channels/${created.body.id}`, { key, body: { smtp: null } })).body.smtp).toBeNull();
    const privateHost = await api.call('PATCH', `/api/v1/email-channels/${created.body.id}`, { key, body: { smtp: { host: '10.1.2.3', from: 'a@example.com' } } });
    expect([privateHost.status, privateHost.body.field]).toEqual([422, 'smtp.host']);
    expect((await api.call('DELETE', `/api/v1/email-channels/${created.body.id}`, { key })).status).toBe(204);
    expect((await api.call('GET', `/api/v1/email-channels/${created.body.id}`, { key })).status).toBe(404);
  });

  it('answers each email limit with a 422 naming it: channels per org, recipients and events per channel', async () => {
    const { key } = await api.org();
    const recipients = await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com'] } });
    expect([recipients.status, recipients.body.field, recipients.body.limit]).toEqual([422, 'recipients', 3]);
    const events = ['deploy.failed', 'deploy.succeeded', 'deploy.started', 'deploy.completed', 'deploy.cancelled', 'build.failed', 'build.completed', 'build.started', 'build.pending', 'build.aborted', 'incident_created'];
    const tooManyEvents = await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['a@x.com'], events } });
    expect([tooManyEvents.status, tooManyEvents.body.field, tooManyEvents.body.limit]).toEqual([422, 'events', 10]);
    expect((await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: [] } })).body.field).toBe('recipients');
    for (const n of [1, 2]) expect((await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: [`${n}@x.com`] } })).status).toBe(201);
    const third = await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['3@x.com'] } });
    expect([third.status, third.body.type, third.body.limit]).toEqual([422, 'urn:herald:problem:limit-exceeded', 2]);
  });

  it('publishes an event through REST onto the accepted topic, exactly as Kafka intake does, and rejects bad ones naming the field', async () => {
    const { orgId, key } = await api.org();
    const published = await api.call('POST', '/api/v1/events', { key, body: { type: 'deploy.failed', project_id: 'prj_9', data: { environment: 'production' } } });
    expect(published.status).toBe(202);
    expect(published.body).toMatchObject({ type: 'deploy.failed', org_id: orgId, project_id: 'prj_9', data: { environment: 'production' } });
    expect(published.body.id).toMatch(/^evt_/);
    const accepted = await readTopic(testKafka(), Topics.accepted, (seen) => seen.some((m) => m.value?.toString().includes(published.body.id)));
    const message = accepted.find((m) => m.value?.toString().includes(published.body.id))!;
    expect([message.key, JSON.parse(message.value!.toString())]).toEqual([orgId, published.body]);

    const duplicate = await api.call('POST', '/api/v1/events', { key, body: { id: published.body.id, type: 'deploy.failed' } });
    expect([duplicate.status, duplicate.body.created_at]).toEqual([202, published.body.created_at]);
    for (const [body, field] of [
      [{ type: 'no.such.event' }, 'type'],
      [{ data: {} }, 'type'],
      [{ type: 'deploy.failed', occurred_at: 'yesterday' }, 'occurred_at'],
      [{ type: 'deploy.failed', data: 'text' }, 'data'],
      [{ type: 'deploy.failed', ordering_key: '' }, 'ordering_key'],
      [{ type: 'deploy.failed', ordering_key: 'k'.repeat(257) }, 'ordering_key'],
    ] as const) {
      const response = await api.call('POST', '/api/v1/events', { key, body });
      expect([JSON.stringify(body), response.status, response.body.field]).toEqual([JSON.stringify(body), 422, field]);
    }
    const malformed = await api.call('POST', '/api/v1/events', { key, body: '{"type":', headers: { 'content-type': 'application/json' } });
    expect([malformed.status, malformed.body.type]).toEqual([400, 'urn:herald:problem:malformed-body']);

    const listed = await api.call('GET', `/api/v1/events?type=deploy.failed&status=published&since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`, { key });
    expect(listed.body.data.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([[published.body.id, 'published']]);
    expect((await api.call('GET', '/api/v1/events?status=received', { key })).body.data).toEqual([]);
    expect((await api.call('GET', '/api/v1/events?delivery_status=failed', { key })).body.data).toEqual([]);
    expect((await api.call('GET', '/api/v1/events?since=last-week', { key })).body.field).toBe('since');

    // The ordering key: the producer's, else the type's default from data; stored and listed with the event.
    const keyed = await api.call('POST', '/api/v1/events', { key, body: { type: 'deploy.failed', ordering_key: 'release-7' } });
    const defaulted = await api.call('POST', '/api/v1/events', { key, body: { type: 'deployment.started', data: { deployment_id: 'dep_9' } } });
    expect([keyed.status, keyed.body.ordering_key, defaulted.body.ordering_key]).toEqual([202, 'release-7', 'dep_9']);
    const stored = await api.call('GET', '/api/v1/events?type=deployment.started', { key });
    expect(stored.body.data.map((e: { id: string; ordering_key?: string }) => [e.id, e.ordering_key])).toEqual([[defaulted.body.id, 'dep_9']]);
  });

  it('pages through 250 events in a stable order with opaque cursors, even within one millisecond', async () => {
    const { orgId, key } = await api.org();
    const events = new EventLogRepository(api.dataSource);
    const sameInstant = new Date().toISOString();
    for (let i = 0; i < 250; i++) {
      // Half share one created_at, so the order must fall back to the id.
      const at = i % 2 ? sameInstant : new Date(Date.now() + i).toISOString();
      await events.recordOnce({ id: `e${String(i).padStart(3, '0')}`, type: 'build.failed', org_id: orgId, project_id: null, occurred_at: at, created_at: at, data: { i } });
    }
    const walk = async (limit?: number) => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query: URLSearchParams = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) });
        const { status, body }: { status: number; body: { data: { id: string }[]; next_cursor: string | null } } = await api.call('GET', `/api/v1/events?${query}`, { key });
        expect(status).toBe(200);
        pages.push(body.data.map((e) => e.id));
        cursor = body.next_cursor;
      } while (cursor);
      return pages;
    };
    const byHundred = await walk(100);
    expect(byHundred.map((p) => p.length)).toEqual([100, 100, 50]);
    const all = byHundred.flat();
    expect(new Set(all).size).toBe(250);
    const expected = (await api.dataSource.query('SELECT id FROM events WHERE org_id = $1 ORDER BY created_at, id', [orgId])).map((r: { id: string }) => r.id);
    expect(all).toEqual(expected);
    expect((await walk()).map((p) => p.length)).toEqual([50, 50, 50, 50, 50]);
    expect((await walk(200)).flat()).toEqual(expected);

    for (const query of ['limit=201', 'limit=0', 'cursor=bm90IGEgY3Vyc29y']) {
      const response = await api.call('GET', `/api/v1/events?${query}`, { key });
      expect([query, response.status, response.body.field]).toEqual([query, 400, query.split('=')[0]]);
    }
  });

  it('lists the event catalog with defaults and toggles an event type for the org', async () => {
    const { key } = await api.org();
    const first = await api.call('GET', '/api/v1/event-types?limit=20', { key });
    expect(first.body.data).toHaveLength(20);
    const rest = await api.call('GET', `/api/v1/event-types?limit=200&cursor=${first.body.next_cursor}`, { key });
    const all = [...first.body.data, ...rest.body.data];
    expect(rest.body.next_cursor).toBeNull();
    expect(all.map((t) => t.type)).toEqual([...all.map((t) => t.type)].sort());
    expect(all.find((t) => t.type === 'deploy.started')).toMatchObject({ enabled_by_default: false, enabled: false, severity: 'info' });

    const toggled = await api.call('PATCH', '/api/v1/event-types/deploy.started', { key, body: { enabled: true } });
    expect(toggled.body).toMatchObject({ type: 'deploy.started', enabled_by_default: false, enabled: true });
    const after = (await api.call('GET', '/api/v1/event-types?limit=200', { key })).body.data;
    expect(after.find((t: { type: string }) => t.type === 'deploy.started').enabled).toBe(true);
    expect((await api.call('PATCH', '/api/v1/event-types/no.such', { key, body: { enabled: true } })).status).toBe(404);
    expect((await api.call('PATCH', '/api/v1/event-types/deploy.failed', { key, body: { enabled: 'yes' } })).body.field).toBe('enabled');
  });

  it('applies a declarative config file idempotently, with secrets from the environment', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'herald-config-'));
    const file = path.join(dir, 'herald.yaml');
    const write = (description: string) =>
      writeFileSync(
        file,
        `orgs:
  - id: org_declared
    name: Declared Org
    event_types: { deploy.started: true, build.started: true }
    webhooks:
      - id: wh_declared_alerts
        url: https://93.184.215.14/v1/alerts
        description: ${description}
        events: [deploy.failed]
        signing_scheme: hmac-sha256
        secret: \${DECLARED_SECRET}
      - id: wh_declared_slack
        url: https://93.184.215.15/services/T0/B0/x
        format: slack
    email_channels:
      - id: ec_declared
        name: DevOps
        recipients: [devops@example.com]
        smtp: { host: 93.184.215.16, from: "Alerts <alerts@example.com>", password: "\${DECLARED_SMTP_PASSWORD}" }
`,
      );
    process.env.DECLARED_SECRET = 'declared-shared-secret';
    process.env.DECLARED_SMTP_PASSWORD = 'smtp-pw';
    const service = api.app.get(DeclarativeConfigService, { strict: false });

    write('alerts');
    const first = await service.applyFile(file);
    expect(first.orgs[0].webhooks.map((w) => [w.id, w.action])).toEqual([
      ['wh_declared_alerts', 'created'],
      ['wh_declared_slack', 'created'],
    ]);
    expect(first.orgs[0].webhooks[0].generated_secret).toBeUndefined();
    expect(first.orgs[0].webhooks[1].generated_secret).toMatch(/^whsec_/);
    expect(first.orgs[0].email_channels).toEqual([{ id: 'ec_declared', action: 'created' }]);

    const second = await service.applyFile(file);
    expect(second.orgs[0].webhooks.map((w) => w.action)).toEqual(['unchanged', 'unchanged']);
    expect(second.orgs[0].email_channels[0].action).toBe('unchanged');

    write('alerts, renamed');
    process.env.DECLARED_SECRET = 'declared-shared-secret-2';
    const third = await service.applyFile(file);
    expect(third.orgs[0].webhooks[0]).toEqual({ id: 'wh_declared_alerts', action: 'updated', secret_rotated: true });

    const key = await api.key('org_declared', 'admin');
    const webhook = (await api.call('GET', '/api/v1/webhooks/wh_declared_alerts', { key })).body;
    expect(webhook).toMatchObject({ description: 'alerts, renamed', signing_scheme: 'hmac-sha256', events: ['deploy.failed'] });
    expect(await new WebhookRepository(api.dataSource).signingSecrets('wh_declared_alerts')).toEqual(['declared-shared-secret-2', 'declared-shared-secret']);
    const types = (await api.call('GET', '/api/v1/event-types?limit=200', { key })).body.data;
    expect(types.find((t: { type: string }) => t.type === 'build.started').enabled).toBe(true);
    expect((await new EmailChannelRepository(api.dataSource).findById('ec_declared'))?.smtpPassword).toBe('smtp-pw');

    delete process.env.DECLARED_SMTP_PASSWORD;
    await expect(service.applyFile(file)).rejects.toThrow('orgs[0].email_channels[0].smtp.password: environment variable DECLARED_SMTP_PASSWORD is not set');
  });
});
