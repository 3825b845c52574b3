import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { loadConfig } from '@herald/config';
import { startTracing, type Tracing } from './setup';
import { activeTraceIds, inSpan, outgoingTraceHeaders, SpanKind, withTraceContext } from './spans';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/** Collects what the batch processor exports. */
function collector(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return { spans, export: (batch, done) => (spans.push(...batch), done({ code: 0 })), shutdown: async () => undefined };
}

describe('without an exporter', () => {
  let tracing: Tracing;
  beforeAll(() => (tracing = startTracing(loadConfig({}), 'spec')));
  afterAll(() => tracing.shutdown());

  it('records nothing and carries the producer context on unchanged, across awaits', async () => {
    expect(tracing.exportingTo).toBeNull();
    const seen = await withTraceContext({ traceparent: PRODUCER }, () =>
      inSpan('work', SpanKind.INTERNAL, () => ({}), async (span) => {
        await new Promise((resolve) => setImmediate(resolve));
        return { recording: span.isRecording(), headers: outgoingTraceHeaders(), ids: activeTraceIds() };
      }),
    );
    expect(seen).toEqual({ recording: false, headers: { traceparent: PRODUCER }, ids: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7' } });
  });

  it('is a plain call for untraced input', async () => {
    expect(withTraceContext({}, () => outgoingTraceHeaders())).toBeUndefined();
    expect(await inSpan('work', SpanKind.INTERNAL, () => ({}), async () => activeTraceIds())).toBeUndefined();
  });
});

describe('with an exporter', () => {
  const exported = collector();
  let tracing: Tracing;
  beforeAll(() => (tracing = startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }), 'spec', exported)));

  it('records a span per hop as the child of the producer, and sends its own context on', async () => {
    const sent = await withTraceContext({ traceparent: PRODUCER }, () =>
      inSpan('hop', SpanKind.CONSUMER, () => ({ 'herald.event.type': 'deploy.failed' }), (hop) =>
        inSpan('attempt', SpanKind.CLIENT, () => ({}), async (attempt) => {
          attempt.setAttribute('http.response.status_code', 204);
          return { headers: outgoingTraceHeaders(), hop: hop.spanContext().spanId, attempt: attempt.spanContext().spanId };
        }),
      ),
    );
    expect(sent.headers).toEqual({ traceparent: `00-${TRACE_ID}-${sent.attempt}-01` });
    await tracing.shutdown(); // flushes
    const byName = new Map(exported.spans.map((span) => [span.name, span]));
    expect(byName.get('hop')).toMatchObject({ kind: SpanKind.CONSUMER, parentSpanContext: { spanId: '00f067aa0ba902b7' }, attributes: { 'herald.event.type': 'deploy.failed' } });
    expect(byName.get('hop')?.spanContext().traceId).toBe(TRACE_ID);
    expect(byName.get('attempt')).toMatchObject({ kind: SpanKind.CLIENT, parentSpanContext: { spanId: sent.hop }, attributes: { 'http.response.status_code': 204 } });
    expect(byName.get('attempt')?.resource.attributes['service.name']).toBe('herald-spec');
  });
});

describe('a failing span', () => {
  const exported = collector();
  let tracing: Tracing;
  beforeAll(() => (tracing = startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }), 'spec', exported)));

  it('ends with the error and passes it on; a trace of its own without a producer', async () => {
    await expect(inSpan('hop', SpanKind.CONSUMER, () => ({}), async () => Promise.reject(new Error('broker unreachable')))).rejects.toThrow('broker unreachable');
    await tracing.shutdown();
    expect(exported.spans).toHaveLength(1);
    expect(exported.spans[0]).toMatchObject({ status: { code: SpanStatusCode.ERROR, message: 'broker unreachable' }, parentSpanContext: undefined });
    expect(exported.spans[0].events.map((e) => e.name)).toEqual(['exception']);
  });
});
