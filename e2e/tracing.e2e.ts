import { execFileSync } from 'node:child_process';
import { deliveryId } from '@herald/deliveries';
import { Topics } from '@herald/kafka';
import { WebhookRepository } from '@herald/persistence';
import { generateSecret } from '@herald/signing';
import { eventually, startReceiver, type Receiver } from '@herald/testing';
import { root, suitePorts } from './support/stack';
import { endToEnd, type EndToEnd } from './support/suite';

/**
 * Traces from producer to receiver, through four separate processes: a producer's `traceparent` (Kafka header or
 * HTTP header) is continued by ingest (intake, then routing) and webhook-sender, the spans leave over OTLP/HTTP to a real local
 * receiver (decoded here from the JSON protocol), and the webhook's receiver sees a `traceparent` of the same trace.
 * Without an OTLP endpoint nothing is exported, and the producer's context still reaches the receiver.
 */
const SERVICES = ['ingest', 'webhook-sender', 'email-sender', 'retry-scheduler'];

/** One span as the OTLP JSON encoding carries it, with its service. */
interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's numbering: 2 server, 3 client, 5 consumer. */
  kind: number;
  status: number;
  attributes: Record<string, string | number | boolean>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes?: OtlpAttribute[];
}
interface OtlpTraces {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue ?? ''));
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** Every span the OTLP receiver was sent, decoded from the exporter's JSON requests. */
function exportedSpans(otlp: Receiver): ExportedSpan[] {
  return otlp.requests.flatMap((request) =>
    (JSON.parse(request.body) as OtlpTraces).resourceSpans.flatMap(({ resource, scopeSpans }) =>
      scopeSpans.flatMap(({ spans }) =>
        spans.map((span) => ({
          service: String(attributesOf(resource.attributes)['service.name']),
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind,
          status: span.status?.code ?? 0,
          attributes: attributesOf(span.attributes),
        })),
      ),
    ),
  );
}

const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');

/** A producer's own trace context: a fresh trace id and the id of the producer's span. */
function producerContext() {
  const traceId = randomHex(16);
  const spanId = randomHex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The parts of a `traceparent` header. */
function parentOf(header: string | string[] | undefined) {
  const [version, traceId, spanId, flags] = String(header).split('-');
  return { version, traceId, spanId, flags };
}

let otlp: Receiver;
beforeAll(async () => {
  otlp = await startReceiver(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
});
afterAll(() => otlp.close());

/** Log lines the services printed (at LOG_LEVEL=log, JSON), parsed, with the service's name. */
function logCollector() {
  const lines: { service: string; log: Record<string, unknown> }[] = [];
  const onLine = (service: string, line: string) => {
    try {
      const log = JSON.parse(line) as Record<string, unknown>;
      lines.push({ service, log });
    } catch {
      // not a log line of ours
    }
  };
  return { lines, onLine };
}

/** An org with one webhook whose receiver fails its first request; returns the receiver. */
async function webhookFailingOnce(suite: EndToEnd, orgId: string, webhookId: string): Promise<Receiver> {
  await suite.org(orgId, orgId);
  const receiver = await suite.receiver((index) => (index === 0 ? { status: 500, body: 'try later' } : { status: 204 }));
  await new WebhookRepository(suite.dataSource).create({ id: webhookId, orgId, url: `${receiver.url}/hooks`, retrySchedule: ['1s'] }, generateSecret());
  return receiver;
}

describe('tracing with an OTLP endpoint: one trace from the producer to the receiver', () => {
  const logs = logCollector();
  const suite = endToEnd({
    portBase: suitePorts(5500),
    poolSize: 2,
    env: () => ({ LOG_LEVEL: 'log', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' }),
    onLine: logs.onLine,
  });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await webhookFailingOnce(suite, 'org_trace', 'wh_trace');
  });

  it("continues a Kafka producer's traceparent through ingest's intake and routing and the sender to the receiver, retry included", async () => {
    const producer = producerContext();
    await suite.producer.send({
      topic: Topics.events,
      messages: [{ key: 'org_trace', value: JSON.stringify({ id: 'traced-1', type: 'deploy.failed', org_id: 'org_trace', data: {} }), headers: { traceparent: producer.traceparent, tracestate: 'vendor=abc' } }],
    });
    const [failed, delivered] = await receiver.waitForRequests(2, 60_000);
    const requestParents = [failed, delivered].map((request) => parentOf(request.headers.traceparent));
    // Each request carries a traceparent of the producer's trace, naming its own attempt span, and the tracestate.
    expect(requestParents.map((p) => [p.version, p.traceId, p.flags])).toEqual([
      ['00', producer.traceId, '01'],
      ['00', producer.traceId, '01'],
    ]);
    expect(requestParents[0].spanId).not.toBe(requestParents[1].spanId);
    expect([failed, delivered].map((request) => request.headers.tracestate)).toEqual(['vendor=abc', 'vendor=abc']);

    // Intake, routing, two deliveries and their two requests: six spans of the one trace.
    const spans = await eventually(() => {
      const ours = exportedSpans(otlp).filter((span) => span.traceId === producer.traceId);
      return ours.length >= 6 ? ours : undefined;
    }, 30_000);
    const named = (name: string) => spans.filter((span) => span.name === name);
    const [ingest] = named('ingest event');
    const [route] = named('route event');
    const deliveries = named('deliver webhook').sort((a, b) => Number(a.attributes['herald.delivery.attempt']) - Number(b.attributes['herald.delivery.attempt']));
    const attempts = named('POST').sort((a, b) => Number(a.attributes['herald.delivery.attempt']) - Number(b.attributes['herald.delivery.attempt']));
    expect(spans.map((span) => span.name).sort()).toEqual(['POST', 'POST', 'deliver webhook', 'deliver webhook', 'ingest event', 'route event']);

    const id = deliveryId({ org_id: 'org_trace', id: 'traced-1' }, 'wh_trace');
    expect(ingest).toMatchObject({ service: 'herald-ingest', kind: 5, parentSpanId: producer.spanId, attributes: { 'herald.intake.source': 'kafka', 'herald.event.id': 'traced-1', 'herald.event.type': 'deploy.failed' } });
    expect(route).toMatchObject({ service: 'herald-ingest', kind: 1, parentSpanId: ingest.spanId, attributes: { 'herald.event.id': 'traced-1', 'herald.destinations': 1 } });
    // The first delivery is the routing span's child; its retry, the child of the attempt that scheduled it.
    expect(deliveries.map((span) => [span.service, span.kind, span.parentSpanId])).toEqual([
      ['herald-webhook-sender', 5, route.spanId],
      ['herald-webhook-sender', 5, deliveries[0].spanId],
    ]);
    expect(deliveries[0].attributes).toMatchObject({ 'herald.delivery.id': id, 'herald.webhook.id': 'wh_trace', 'herald.delivery.status': 'pending', 'herald.retry.tier': '1s' });
    expect(deliveries[1].attributes).toMatchObject({ 'herald.delivery.id': id, 'herald.delivery.attempt': 2, 'herald.delivery.status': 'succeeded' });

    // The attempt spans: what the receivers saw as their parents, with the attempt's facts.
    expect(attempts.map((span) => [span.spanId, span.parentSpanId, span.kind])).toEqual([
      [requestParents[0].spanId, deliveries[0].spanId, 3],
      [requestParents[1].spanId, deliveries[1].spanId, 3],
    ]);
    const common = { 'herald.delivery.id': id, 'herald.webhook.id': 'wh_trace', 'herald.event.type': 'deploy.failed', 'herald.event.id': 'traced-1', 'http.request.method': 'POST', 'herald.breaker.state': 'closed' };
    expect(attempts[0].attributes).toMatchObject({ ...common, 'herald.delivery.attempt': 1, 'http.response.status_code': 500 });
    expect(attempts[1].attributes).toMatchObject({ ...common, 'herald.delivery.attempt': 2, 'http.response.status_code': 204 });
    expect(attempts.map((span) => [typeof span.attributes['herald.attempt.latency_ms'], span.status])).toEqual([
      ['number', 2],
      ['number', 0],
    ]);

    // The sender's log line about the failed attempt carries the trace id.
    const retryLine = logs.lines.find(({ service, log }) => service === 'webhook-sender' && (log.message as Record<string, unknown>)?.msg === 'attempt failed; retry scheduled' && (log.message as Record<string, unknown>).deliveryId === id);
    expect(retryLine?.log).toMatchObject({ traceId: producer.traceId, spanId: deliveries[0].spanId });
  }, 120_000);

  it("continues a traceparent sent with POST /api/v1/events, and gives an untraced event a trace of its own", async () => {
    const created = execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'api-keys', 'create', '--org', 'org_trace', '--role', 'admin'], { cwd: root, env: process.env, encoding: 'utf8' });
    const { key } = JSON.parse(created.trim().split('\n').at(-1)!) as { key: string };
    const producer = producerContext();
    const before = receiver.requests.length;
    const response = await fetch(`${suite.stack.services.find((service) => service.name === 'ingest')!.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', traceparent: producer.traceparent },
      body: JSON.stringify({ id: 'traced-rest', type: 'deploy.failed' }),
    });
    expect(response.status).toBe(202);
    await suite.publish('org_trace', { id: 'untraced-1', type: 'deploy.failed' });
    const requests = (await receiver.waitForRequests(before + 2, 60_000)).slice(before);
    const parents = requests.map((request) => [JSON.parse(request.body).id, parentOf(request.headers.traceparent).traceId]);
    expect(parents).toContainEqual(['traced-rest', producer.traceId]);
    const untracedTrace = parents.find(([eventId]) => eventId === 'untraced-1')![1];
    expect(untracedTrace).toMatch(/^[0-9a-f]{32}$/);
    expect(untracedTrace).not.toBe(producer.traceId);

    const ingest = await eventually(() => exportedSpans(otlp).find((span) => span.traceId === producer.traceId && span.name === 'ingest event'), 30_000);
    expect(ingest).toMatchObject({ kind: 2, parentSpanId: producer.spanId, attributes: { 'herald.intake.source': 'api', 'herald.event.id': 'traced-rest' } });
    // The untraced event's trace starts at ingest.
    const start = await eventually(() => exportedSpans(otlp).find((span) => span.traceId === untracedTrace && span.name === 'ingest event'), 30_000);
    expect(start.parentSpanId).toBe('');
  }, 90_000);
});

describe('tracing without an OTLP endpoint: nothing exported, the context still carried on', () => {
  const logs = logCollector();
  let exportedBefore = 0;
  const suite = endToEnd({
    portBase: suitePorts(5520),
    poolSize: 2,
    // Everything but an endpoint: the exporter would be set up by these if anything were exported.
    env: () => {
      exportedBefore = otlp.requests.length;
      return { LOG_LEVEL: 'log', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' };
    },
    onLine: logs.onLine,
    // Stopping flushes what a service would have queued: still nothing reached the OTLP receiver.
    afterStop: () => expect(otlp.requests.length).toBe(exportedBefore),
  });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await webhookFailingOnce(suite, 'org_untraced', 'wh_untraced');
  });

  it("says so at start, and hands the producer's traceparent to the receiver as it came", async () => {
    const said = logs.lines.filter(({ log }) => (log.message as Record<string, unknown>)?.msg === 'spans not exported (no OTEL_EXPORTER_OTLP_ENDPOINT)');
    expect(said.map(({ service }) => service).sort()).toEqual([...SERVICES].sort());

    const producer = producerContext();
    await suite.producer.send({ topic: Topics.events, messages: [{ key: 'org_untraced', value: JSON.stringify({ id: 'carried-1', type: 'deploy.failed', org_id: 'org_untraced', data: {} }), headers: { traceparent: producer.traceparent } }] });
    const requests = await receiver.waitForRequests(2, 60_000);
    // No span of Herald's is recorded, so the receiver's parent is the producer's span, on the first try and the retry.
    expect(requests.map((request) => request.headers.traceparent)).toEqual([producer.traceparent, producer.traceparent]);
    // The line of this delivery: retries that earlier suites left on the shared broker are logged too.
    const id = deliveryId({ org_id: 'org_untraced', id: 'carried-1' }, 'wh_untraced');
    const retryLine = logs.lines.find(({ service, log }) => service === 'webhook-sender' && (log.message as Record<string, unknown>)?.msg === 'attempt failed; retry scheduled' && (log.message as Record<string, unknown>).deliveryId === id);
    expect(retryLine?.log).toMatchObject({ traceId: producer.traceId, spanId: producer.spanId });
  }, 120_000);
});
