import { Agent, request as httpRequest } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { startReceiver, type Receiver } from '@herald/testing';
import { startAdminApi, type AdminApi, type Json } from './admin-api';

/**
 * Fuzzes every route of the admin API's OpenAPI document with generated requests, against the
 * real ingest (real PostgreSQL and broker): malformed path ids (%00, bad percent-encoding, invalid
 * UTF-8), query values and cursors, bodies (deep, huge, NUL, lone surrogates, invalid UTF-8,
 * __proto__, 1e400, wrong types, not JSON), Content-Types and Content-Encodings. Whatever comes in:
 * no 5xx, every error is RFC 9457 problem+json, and the service keeps answering.
 *
 * Bounded: a fixed seed and FUZZ_RUNS requests (default 2,500), one at a time.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** node:http rather than fetch: fetch would normalise the URL and refuse some header and body forms the fuzz needs. */
function send(base: URL, { method, path, headers, body }: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method, path, agent, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Each byte outside the unreserved set as %XX, so any byte sequence (invalid UTF-8 included) can be a path segment or a query value. */
const percentEncode = (bytes: Uint8Array) => [...bytes].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
const b64 = (text: string) => Buffer.from(text).toString('base64url');

// Markers replaced in the JSON text, for what JSON.stringify cannot write: numbers past double range and raw invalid bytes.
const OVERFLOW = '"<<overflow>>"';
const BAD_BYTES = '<<bad-utf8>>';

const poisonString = fc.constantFrom('\u0000', 'wh_\u0000', '\ud800', 'x\udfff', '\udbff\u0000', BAD_BYTES, '\u202e\ufeff', '💥', '', ' ', 'a'.repeat(300), '__proto__', 'constructor', '{}', '../..');
const poisonKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '\u0000', '\ud800', '', 'a.b', 'data');
const scalar = fc.oneof(fc.string({ maxLength: 20 }), poisonString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant('<<overflow>>'));
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), poisonKey), tie('value'), { maxKeys: 4 })),
})).value;

/** Bodies close to what the route wants (so the fuzz reaches its handler), before noise is merged in. */
function plausibleBodies(path: string, receiver: Receiver): fc.Arbitrary<Record<string, unknown>> {
  const resource = path.split('/')[3];
  const bodies: Record<string, Record<string, unknown>[]> = {
    events: [{ type: 'deploy.failed', data: { environment: 'production' } }, { type: 'deploy.failed', project_id: 'prj_1', occurred_at: '2026-05-07T14:23:11Z', data: { __proto__x: 1 } }],
    webhooks: [{ url: `${receiver.url}/hook`, events: ['deploy.failed'] }, { url: `${receiver.url}/slack`, format: 'slack', description: 'fuzz' }, { enabled: false }],
    'email-channels': [{ recipients: ['ops@example.com'], events: ['deploy.failed'] }, { recipients: ['ops@example.com'], smtp: { host: '127.0.0.1', port: 2525, security: 'none', from: 'a@example.com' } }],
    'api-keys': [{ name: 'fuzz', permissions: ['webhooks:read'] }],
    'event-types': [{ enabled: false }, { enabled: true }],
  };
  return fc.constantFrom(...(bodies[resource] ?? [{}]));
}

const deep = (depth: number, open: string, close: string, inner = '1') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

function bodyText(plausible: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Buffer | undefined> {
  const json = fc.oneof(
    { weight: 4, arbitrary: plausible },
    { weight: 3, arbitrary: fc.tuple(plausible, fc.dictionary(fc.oneof(fc.constantFrom('type', 'data', 'url', 'events', 'org_id', 'project_id', 'id', 'recipients', 'name', 'smtp', 'filter', 'permissions'), poisonKey), value, { maxKeys: 3 })).map(([base, noise]) => ({ ...base, ...noise })) },
    { weight: 2, arbitrary: fc.tuple(plausible, poisonKey, value).map(([base, key, v]) => ({ ...base, data: JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(v) ?? 'null'}}`) as unknown })) },
    { weight: 1, arbitrary: value },
  );
  const text = fc.oneof(
    { weight: 8, arbitrary: json.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 20_000 }).map((n) => `{"type":"deploy.failed","data":{"a":${deep(n, '[', ']')}}}`) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 20_000 }).map((n) => `{"url":${deep(n, '{"a":', '}')}}`) },
    { weight: 1, arbitrary: fc.constantFrom(`{"type":"deploy.failed","data":{"blob":"${'x'.repeat(300 * 1024)}"}}`, `{"name":"${'x'.repeat(1_100_000)}"}`) },
    { weight: 1, arbitrary: fc.constantFrom('{"type":"deploy.failed","data":{"a":"\\ud800"}}', '{"type":"deploy.failed","data":{"\\u0000":1}}', '{"type":"deploy.failed","data":{"n":1e400}}', '{"url":"\\u0000"}', '{"name":"\\udc00"}') },
    { weight: 1, arbitrary: fc.constantFrom('', '{', 'nul', '{"a":1,}', '[1,2', '"just a string"', '12', 'null', '\u0000', '{"a":"b"}{"c":1}') },
  );
  return fc.option(
    text.map((t) => {
      const parts = t.replaceAll(OVERFLOW, '1e400').split(BAD_BYTES);
      return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from(part)])));
    }),
    { freq: 6 },
  ).map((body) => body ?? undefined);
}

const encodings = fc.constantFrom<string | undefined>(...Array<undefined>(12).fill(undefined), 'identity', 'gzip', 'br', 'deflate', 'zstd', 'x-unknown', 'gzip, gzip');
const contentTypes = fc.constantFrom<string | undefined>(...Array<string>(12).fill('application/json'), 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json', undefined);

function encode(body: Buffer | undefined, encoding: string | undefined, garbage: boolean): Buffer | undefined {
  if (!body || !encoding) return body;
  if (garbage) return Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]);
  if (encoding === 'gzip') return gzipSync(body);
  if (encoding === 'br') return brotliCompressSync(body);
  return body;
}

interface Operation {
  method: string;
  path: string;
  query: string[];
}

describe('admin API: fuzzing every route', () => {
  let api: AdminApi;
  let receiver: Receiver;
  let operations: Operation[];
  const ids: string[] = [];
  let key = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startAdminApi({ HERALD_API_RATE_LIMIT: '1000000', HERALD_API_WEBHOOK_MUTATION_LIMIT: '1000000' });
    const document = (await api.call('GET', '/api/v1/docs-json')).body as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name) })),
    );
    ({ key } = await api.org('admin'));
    const webhook = await api.call('POST', '/api/v1/webhooks', { key, body: { url: `${receiver.url}/hook`, events: ['deploy.failed'] } });
    const channel = await api.call('POST', '/api/v1/email-channels', { key, body: { recipients: ['ops@example.com'] } });
    const event = await api.call('POST', '/api/v1/events', { key, body: { type: 'deploy.failed', data: {} } });
    ids.push(webhook.body.id, channel.body.id, event.body.id, 'deploy.failed');
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await api?.close();
    await receiver?.close();
  });

  it('answers every generated request below 500, with problem+json for every error, and stays up', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const segment = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...ids) },
      { weight: 3, arbitrary: fc.constantFrom('%00', 'wh_%00', '%zz', '%', '%E0%A4%A', '%ED%A0%80', '%C3%28', '%FF%FE', '%F0%9F%92%A5', '..', '%2E%2E', '%2F', '%252F', '%5C', 'a'.repeat(5000), '%u0000') },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 24 }).map(percentEncode) },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => percentEncode(Buffer.from(s))) },
    );
    const queryValue = fc.oneof(
      fc.constantFrom('%00', '%zz', '%ED%A0%80', '-1', '0', '201', '1e400', 'NaN', '2026-02-30T00:00:00Z', 'yesterday', 'received', 'pending', 'deploy.failed', '', 'a'.repeat(3000)),
      fc.constantFrom('["2026-02-30T03:08:39.123456Z","x"]', '["0000-01-01T00:00:00.000000Z","x"]', '["2026-11-23T03:08:39.123456Z","\\u0000"]', '["2026-11-23T03:08:39.123456Z","\\ud800"]', '["9999-12-31T23:59:59.999999Z","x"]', '[1,2]', '{', '["x"]').map((c) => b64(c)),
      fc.uint8Array({ maxLength: 16 }).map(percentEncode),
    );
    const unknownRoutes = fc.record({ method: fc.constantFrom('PUT', 'TRACE', 'OPTIONS', 'GET', 'DELETE'), path: fc.constantFrom('/api/v1/nope', '/api/v1/webhooks/{id}/nope', '/api/v1/', '/api/v1/{id}'), query: fc.constant([]) });
    const queryNames = fc.constantFrom(...new Set(operations.flatMap((o) => o.query)), 'x', '%00', 'limit[]');
    const request = fc
      .oneof({ weight: 19, arbitrary: fc.constantFrom(...operations) }, { weight: 1, arbitrary: unknownRoutes })
      .chain((operation) =>
        fc.record({
          operation: fc.constant(operation),
          segments: fc.array(segment, { minLength: 3, maxLength: 3 }),
          query: fc.oneof({ weight: 2, arbitrary: fc.constant([] as [string, string][]) }, { weight: 1, arbitrary: fc.array(fc.tuple(queryNames, queryValue), { maxLength: 3 }) }),
          body: bodyText(plausibleBodies(operation.path, receiver)),
          contentType: contentTypes,
          encoding: encodings,
          garbageEncoding: fc.boolean(),
          auth: fc.constantFrom('key', 'key', 'key', 'key', 'none', 'bogus'),
          idempotencyKey: fc.option(fc.oneof(fc.uuid(), fc.constantFrom('same-key-1', 'same-key-2', 'has space', 'x'.repeat(300))), { freq: 3 }),
        }),
      )
      .map(({ operation, segments, query, body, contentType, encoding, garbageEncoding, auth, idempotencyKey }): RawRequest => {
        let n = 0;
        const path = operation.path.replace(/\{\w+\}/g, () => segments[n++ % segments.length]);
        const search = query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
        const headers: Record<string, string> = {};
        if (auth === 'key') headers.authorization = `Bearer ${key}`;
        if (auth === 'bogus') headers.authorization = 'Bearer hk_not_a_key';
        if (contentType && body) headers['content-type'] = contentType;
        if (encoding && body) headers['content-encoding'] = encoding;
        if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
        return { method: operation.method, path: `${path}${search}`, headers, body: encode(body, encoding, garbageEncoding && encoding !== 'identity') };
      });

    const statuses = new Map<number, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const response = await send(new URL(api.url), req);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const where = `${req.method} ${req.path.slice(0, 200)} (${req.headers['content-encoding'] ?? 'no encoding'}, ${req.body?.length ?? 0} body bytes)`;
        expect([where, response.status]).toEqual([where, expect.any(Number)]);
        expect([where, response.status < 500]).toEqual([where, true]);
        if (response.status >= 400) {
          expect([where, response.contentType]).toEqual([where, expect.stringMatching(/^application\/problem\+json/)]);
          const problem = JSON.parse(response.text) as Json;
          expect([where, problem.status, typeof problem.title]).toEqual([where, response.status, 'string']);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`admin API fuzz: ${RUNS} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);

    // Still up, still serving.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await api.call('GET', `/api/v1/webhooks/${ids[0]}`, { key })).status).toBeLessThan(500);
    // The generated mix reached the handlers, not only the guards in front of them.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 202, 400, 404, 413, 422]));
  }, 180_000);
});
