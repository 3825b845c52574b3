import { gzipSync } from 'node:zlib';
import { startAdminApi, type AdminApi, type Json } from './admin-api';

/**
 * The intake limits and the request checks in front of the admin API, one example each (the fuzz
 * suite covers the space): every refusal is problem+json naming what is at fault, and no input
 * is a 500.
 */
describe('admin API: intake limits and unreadable requests', () => {
  let api: AdminApi;
  let key: string;
  let webhookId: string;

  beforeAll(async () => {
    api = await startAdminApi();
    ({ key } = await api.org('admin'));
    webhookId = (await api.call('POST', '/api/v1/webhooks', { key, body: { url: 'https://93.184.215.1/hooks' } })).body.id;
  }, 60_000);
  afterAll(() => api?.close());

  /** Sends raw bytes as the body, so the test controls every byte and header. */
  async function raw(method: string, path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: Json }> {
    const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() };
  }

  const event = (data: string) => `{"type":"deploy.failed","data":${data}}`;

  it('refuses events that break an intake limit, naming the field (413 for size)', async () => {
    const cases: [string, Buffer | string, number, string | undefined, RegExp][] = [
      ['NUL', event('{"a":"x\\u0000"}'), 422, 'data.a', /NUL/],
      ['lone surrogate', event('{"a":"\\udc00"}'), 422, 'data.a', /lone UTF-16 surrogate/],
      ['number overflow', event('{"n":1e400}'), 422, 'data.n', /too large to represent/],
      ['deep', event(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`), 422, 'data', /nested more than 64 levels/],
      ['invalid UTF-8', Buffer.concat([Buffer.from(event('{"a":"')), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]), 422, 'body', /not valid UTF-8/],
      ['over 256 KiB', event(`{"blob":"${'x'.repeat(300 * 1024)}"}`), 413, undefined, /at most 262144 are accepted/],
      ['over 1 MB', event(`{"blob":"${'x'.repeat(1_100_000)}"}`), 413, undefined, /at most 1mb/],
    ];
    for (const [name, body, status, field, detail] of cases) {
      const answer = await raw('POST', '/api/v1/events', body);
      expect([name, answer.status, answer.type, answer.body.field, answer.body.detail]).toEqual([name, status, expect.stringMatching(/^application\/problem\+json/), field, expect.stringMatching(detail)]);
    }
  });

  it('keeps __proto__ and constructor in data as sent', async () => {
    const answer = await raw('POST', '/api/v1/events', event('{"__proto__":{"x":1},"constructor":"c"}'));
    expect(answer.status).toBe(202);
    expect(JSON.stringify(answer.body.data)).toBe('{"__proto__":{"x":1},"constructor":"c"}');
    const listed = await api.call('GET', '/api/v1/events?limit=200', { key });
    const stored = listed.body.data.find((e: { id: string }) => e.id === answer.body.id);
    expect(Object.keys(stored.data)).toEqual(['__proto__', 'constructor']);
  });

  it('refuses deep or unstorable bodies on every mutation, Idempotency-Key or not, before hashing them', async () => {
    const deep = `{"description":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    for (const headers of [{}, { 'idempotency-key': 'deep-1' }] as Record<string, string>[]) {
      const answer = await raw('PATCH', `/api/v1/webhooks/${webhookId}`, deep, headers);
      expect([answer.status, answer.body.field, answer.body.detail]).toEqual([422, 'description', 'description: is nested more than 64 levels deep']);
    }
    const nul = await raw('POST', '/api/v1/webhooks', '{"url":"https://93.184.215.2/","description":"a\\u0000b"}', { 'idempotency-key': 'nul-1' });
    expect([nul.status, nul.body.field]).toEqual([422, 'description']);
    const overflow = await raw('POST', '/api/v1/email-channels', '{"recipients":["a@example.com"],"n":1e400}', { 'idempotency-key': 'overflow-1' });
    expect([overflow.status, overflow.body.field]).toEqual([422, 'n']);
  });

  it('answers unreadable path ids with 404 and unreadable query values with 400, on every /{id} route', async () => {
    for (const id of ['%00', 'wh_%00', '%zz', '%', '%E0%A4%A', '%ED%A0%80']) {
      for (const path of [`/api/v1/webhooks/${id}`, `/api/v1/webhooks/${id}/deliveries`, `/api/v1/deliveries/${id}`, `/api/v1/email-channels/${id}`, `/api/v1/api-keys/${id}`, `/api/v1/event-types/${id}`]) {
        const method = path.startsWith('/api/v1/event-types') ? 'PATCH' : path.startsWith('/api/v1/api-keys') ? 'DELETE' : 'GET';
        const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: method === 'PATCH' ? '{"enabled":true}' : undefined });
        expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 404, expect.stringMatching(/^application\/problem\+json/)]);
      }
    }
    const query = await api.call('GET', '/api/v1/events?type=deploy%00failed', { key });
    expect([query.status, query.body.field]).toEqual([400, 'type']);
  });

  it('refuses cursors it did not issue, impossible timestamps and NULs included, naming cursor', async () => {
    for (const parts of [['2026-02-30T03:08:39.123456Z', 'x'], ['0000-01-01T00:00:00.000000Z', 'x'], ['2026-11-23T03:08:39.123456Z', 'wh_\u0000']]) {
      const cursor = Buffer.from(JSON.stringify(parts)).toString('base64url');
      for (const path of ['/api/v1/webhooks', '/api/v1/events', `/api/v1/webhooks/${webhookId}/deliveries`]) {
        const answer = await api.call('GET', `${path}?cursor=${cursor}`, { key });
        expect([path, parts[0], answer.status, answer.body.field]).toEqual([path, parts[0], 400, 'cursor']);
      }
    }
  });

  it('answers body-parser failures with problem+json: 415 for an unknown Content-Encoding, 400 for broken gzip or JSON', async () => {
    const body = event('{}');
    const compress = await raw('POST', '/api/v1/events', body, { 'content-encoding': 'compress' });
    expect([compress.status, compress.type, compress.body.type]).toEqual([415, expect.stringMatching(/^application\/problem\+json/), 'urn:herald:problem:unsupported-media-type']);
    const gzip = await raw('POST', '/api/v1/events', gzipSync(body), { 'content-encoding': 'gzip' });
    expect(gzip.status).toBe(202);
    const brokenGzip = await raw('POST', '/api/v1/events', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]), { 'content-encoding': 'gzip' });
    expect([brokenGzip.status, brokenGzip.type]).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
    const notJson = await raw('POST', '/api/v1/events', '{"type":');
    expect([notJson.status, notJson.body.type]).toEqual([400, 'urn:herald:problem:malformed-body']);
    const form = await raw('POST', '/api/v1/events', Buffer.from([0x1f, 0x8b, 0x08]), { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' });
    expect([form.status, form.type]).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
  });
});
