import SwaggerParser from '@apidevtools/swagger-parser';
import type { Express } from 'express';
import { startAdminApi, type AdminApi, type Json } from './admin-api';

/** The OpenAPI document is generated from the code, valid, and lists every route the app serves. */
describe('admin API: OpenAPI', () => {
  let api: AdminApi;

  beforeAll(async () => {
    api = await startAdminApi();
  });
  afterAll(() => api?.close());

  it('serves a valid OpenAPI document at /api/v1/docs-json', async () => {
    const { status, body } = await api.call('GET', '/api/v1/docs-json');
    expect(status).toBe(200);
    await expect(SwaggerParser.validate(structuredClone(body))).resolves.toBeTruthy();
    expect(body.components.securitySchemes['api-key']).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });

  it('documents every route the app serves under /api/v1, with its schemas, errors and the bearer scheme', async () => {
    const { body: document } = await api.call('GET', '/api/v1/docs-json');
    const router = (api.app.getHttpAdapter().getInstance() as Express).router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    const served = router.stack
      .filter((layer) => layer.route?.path.startsWith('/api/v1/') && !layer.route.path.startsWith('/api/v1/docs'))
      .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`));
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(documented.sort()).toEqual(served.sort());

    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, operation.security]).toEqual([where, [{ 'api-key': [] }]]);
        for (const status of ['401', '403', '429']) expect([where, operation.responses[status]?.content['application/problem+json']]).toEqual([where, expect.anything()]);
        const success = Object.keys(operation.responses).filter((s) => s.startsWith('2'));
        expect([where, success.length]).toEqual([where, 1]);
        if (['POST', 'PATCH', 'DELETE'].includes(method.toUpperCase())) {
          expect([where, operation.parameters?.some((p: { name: string }) => p.name === 'Idempotency-Key')]).toEqual([where, true]);
        }
      }
    }
    // Request bodies come from the zod schemas, field rules included.
    const create = document.components.schemas.CreateWebhook;
    expect(create.required).toEqual(['url']);
    expect(create.properties.format.enum).toEqual(['raw', 'slack', 'teams', 'discord', 'pagerduty', 'opsgenie']);
    expect(document.paths['/api/v1/webhooks'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateWebhook' });
    expect(document.paths['/api/v1/events'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'type', 'since', 'status']));
  });

  it('serves the documentation UI at /api/v1/docs and keeps health and metrics at the root', async () => {
    const ui = await fetch(`${api.url}/api/v1/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    for (const path of ['/healthz', '/metrics']) expect((await fetch(`${api.url}${path}`)).status).toBe(200);
    const unknown = await fetch(`${api.url}/api/v1/healthz`);
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
    expect(await unknown.json()).toMatchObject({ type: 'urn:herald:problem:not-found', status: 404, detail: "no route 'GET /api/v1/healthz'" });
    // Outside the API, Nest's own answer.
    const outside = await fetch(`${api.url}/nope`);
    expect([outside.status, outside.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/json/)]);
  });
});
