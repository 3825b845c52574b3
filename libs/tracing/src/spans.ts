import { context, INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { extractTraceContext, traceHeadersOf, type TraceCarrier, type TraceHeaders } from './propagation';

/** Set while spans are recorded (an exporter is configured); unset, `inSpan` is a plain call. */
let tracer: Tracer | undefined;

export function recordWith(recording: Tracer | undefined): void {
  tracer = recording;
}

/** What `inSpan` hands its work when nothing is recorded: every method is a no-op. */
const NOT_RECORDED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs `work` as a continuation of the trace `carrier` names (a message's or request's headers): spans started
 * inside are its children, and what it sends carries it on. Without a `traceparent` it is a plain call.
 */
export function withTraceContext<T>(carrier: TraceCarrier, work: () => T): T {
  const continued = extractTraceContext(carrier);
  return continued ? context.with(continued, work) : work();
}

/**
 * Runs `work` in a span of its own, the child of the active one, ended when the work settles (with the error, if it
 * failed). When nothing is recorded the work runs as it is, in the active trace context, with a span that ignores
 * everything, and `attributes` is never called, so the code path costs nothing measurable.
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: () => Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  if (!tracer) return work(NOT_RECORDED);
  return tracer.startActiveSpan(name, { kind, attributes: attributes() }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds to the active span what became known during its work (an outcome, a retry tier); nothing when not recording. */
export function annotate(attributes: Attributes): void {
  if (tracer) trace.getActiveSpan()?.setAttributes(attributes);
}

/** The active span as W3C headers, for a message or request leaving now; undefined outside any trace. */
export function outgoingTraceHeaders(): TraceHeaders | undefined {
  return traceHeadersOf(context.active());
}

/** The active trace and span ids, for log lines; undefined outside any trace. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpanContext(context.active());
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : undefined;
}

export { SpanKind, SpanStatusCode };
