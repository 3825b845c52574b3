import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfigFile } from '../src/admin/declarative-config/config-file';
import { DeclarativeConfigService } from '../src/admin/declarative-config/declarative-config.service';
import { startAdminApi, type AdminApi } from './admin-api';

/** Seed 002: page only on deployment.failed in production. */
const PRODUCTION_PAGING = { type: 'deployment.failed', data: { environment: { name: 'production' } } };

/** Content filters through the API: saved, shown, changed and cleared; refused with the path and operator named; declared in the config file. */
describe('admin API: content filters', () => {
  let api: AdminApi;

  beforeAll(async () => {
    api = await startAdminApi({ HERALD_API_WEBHOOK_MUTATION_LIMIT: '1000' });
  }, 60_000);
  afterAll(() => api?.close());

  const destinations = [
    { path: '/api/v1/webhooks', body: { url: 'https://93.184.215.14/hook' } },
    { path: '/api/v1/email-channels', body: { recipients: ['oncall@example.com'] } },
  ];

  it.each(destinations)('keeps a filter on $path as written, shows it on every read, changes and clears it', async ({ path: base, body }) => {
    const { key } = await api.org();
    const created = await api.call('POST', base, { key, body: { ...body, filter: PRODUCTION_PAGING } });
    expect(created.status).toBe(201);
    expect(created.body.filter).toEqual(PRODUCTION_PAGING);
    const id = created.body.id;
    expect((await api.call('GET', `${base}/${id}`, { key })).body.filter).toEqual(PRODUCTION_PAGING);
    expect((await api.call('GET', base, { key })).body.data[0].filter).toEqual(PRODUCTION_PAGING);
    // Key order as sent, so clients (and the declarative config) read back what they wrote.
    const [row] = await api.dataSource.query(`SELECT filter::text AS filter FROM ${base.endsWith('webhooks') ? 'webhooks' : 'email_channels'} WHERE id = $1`, [id]);
    expect(row.filter).toBe(JSON.stringify(PRODUCTION_PAGING));

    const staging = { $or: [{ data: { environment: { name: 'staging' } } }, { data: { environment: { name: { $startsWith: 'preview-' } } } }] };
    const updated = await api.call('PATCH', `${base}/${id}`, { key, body: { filter: staging } });
    expect([updated.status, updated.body.filter]).toEqual([200, staging]);
    expect((await api.call('PATCH', `${base}/${id}`, { key, body: { enabled: false } })).body.filter).toEqual(staging);
    const cleared = await api.call('PATCH', `${base}/${id}`, { key, body: { filter: null } });
    expect([cleared.status, cleared.body.filter]).toEqual([200, null]);
    expect((await api.call('POST', base, { key, body })).body.filter).toBeNull();
  });

  it.each(destinations)('refuses an invalid filter on $path with problem+json naming the path inside it and the operator', async ({ path: base, body }) => {
    const { key } = await api.org();
    const cases: [filter: unknown, field: string, operator: string | undefined][] = [
      [{ data: { severity: { $gt: true } } }, 'filter.data.severity.$gt', '$gt'],
      [{ $or: [{ type: 'deployment.failed' }, { data: { environment: { name: { $in: [] } } } }] }, 'filter.$or.1.data.environment.name.$in', '$in'],
      [{ data: { environment: { $regex: 'prod.*' } } }, 'filter.data.environment.$regex', '$regex'],
      [{ $not: 'production' }, 'filter.$not', '$not'],
      [{ org_id: 'org_other' }, 'filter.org_id', undefined],
      [{ data: { tags: ['eu'] } }, 'filter.data.tags', undefined],
      [{}, 'filter', undefined],
      [['type'], 'filter', undefined],
    ];
    for (const [filter, field, operator] of cases) {
      const response = await api.call('POST', base, { key, body: { ...body, filter } });
      expect([field, response.status, response.headers.get('content-type'), response.body.field, response.body.errors[0].operator]).toEqual([
        field,
        422,
        'application/problem+json; charset=utf-8',
        field,
        operator,
      ]);
      expect(response.body.detail).toContain(field);
    }
    let deep: unknown = { $exists: true };
    for (let i = 0; i < 50; i++) deep = { level: deep };
    const tooDeep = await api.call('POST', base, { key, body: { ...body, filter: { data: deep } } });
    expect([tooDeep.status, tooDeep.body.errors[0].message]).toEqual([422, 'nested more than 10 levels deep']);
    const tooBig = await api.call('POST', base, { key, body: { ...body, filter: { data: { note: 'x'.repeat(9000) } } } });
    expect([tooBig.status, tooBig.body.field]).toEqual([422, 'filter']);

    const { body: saved } = await api.call('POST', base, { key, body: { ...body, filter: PRODUCTION_PAGING } });
    const patch = await api.call('PATCH', `${base}/${saved.id}`, { key, body: { filter: { data: { environment: { name: { $startsWith: 7 } } } } } });
    expect([patch.status, patch.body.field, patch.body.errors[0].operator]).toEqual([422, 'filter.data.environment.name.$startsWith', '$startsWith']);
    expect((await api.call('GET', `${base}/${saved.id}`, { key })).body.filter).toEqual(PRODUCTION_PAGING);
  });

  it('shows the filter in the OpenAPI document on both destinations', async () => {
    const { body } = await api.call('GET', '/api/v1/docs-json');
    for (const schema of ['CreateWebhook', 'UpdateWebhook', 'Webhook', 'CreateEmailChannel', 'UpdateEmailChannel', 'EmailChannel']) {
      expect([schema, body.components.schemas[schema].properties.filter]).toEqual([schema, expect.objectContaining({ type: 'object', nullable: true })]);
    }
    expect(body.components.schemas.CreateWebhook.properties.filter.description).toContain('$startsWith');
  });

  it('declares filters in the config file: applied, unchanged on a second run, refused with the place in the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'herald-filters-'));
    const file = path.join(dir, 'herald.yaml');
    const write = (environment: string) =>
      writeFileSync(
        file,
        `orgs:
  - id: org_filters_declared
    webhooks:
      - id: wh_declared_pager
        url: https://93.184.215.14/pager
        events: [deployment.failed]
        filter: { data: { environment: { name: ${environment} } } }
    email_channels:
      - id: ec_declared_staging
        recipients: [dev@example.com]
        filter:
          $or:
            - { data: { environment: { name: staging } } }
            - { data: { environment: { name: { $startsWith: preview- } } } }
`,
      );
    const service = api.app.get(DeclarativeConfigService, { strict: false });
    try {
      write('production');
      const first = await service.applyFile(file);
      expect([first.orgs[0].webhooks[0].action, first.orgs[0].email_channels[0].action]).toEqual(['created', 'created']);
      const second = await service.applyFile(file);
      expect([second.orgs[0].webhooks[0].action, second.orgs[0].email_channels[0].action]).toEqual(['unchanged', 'unchanged']);
      write('prod');
      expect((await service.applyFile(file)).orgs[0].webhooks[0].action).toBe('updated');

      const key = await api.key('org_filters_declared', 'admin');
      expect((await api.call('GET', '/api/v1/webhooks/wh_declared_pager', { key })).body.filter).toEqual({ data: { environment: { name: 'prod' } } });
      expect((await api.call('GET', '/api/v1/email-channels/ec_declared_staging', { key })).body.filter.$or).toHaveLength(2);

      expect(() => parseConfigFile('orgs:\n  - id: acme\n    webhooks:\n      - { id: w1, url: "https://x.example", filter: { data: { n: { $gt: [1] } } } }\n')).toThrow(
        'orgs[0].webhooks[0].filter.data.n.$gt: $gt takes a number or a string',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
