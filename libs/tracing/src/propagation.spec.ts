import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { extractTraceContext, traceHeadersOf } from './propagation';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('extractTraceContext', () => {
  it("reads a Kafka message's or a request's traceparent and tracestate", () => {
    const context = extractTraceContext({ traceparent: PARENT, tracestate: 'vendor=abc,other=1', 'herald-due-at': '5' })!;
    const span = trace.getSpanContext(context)!;
    expect(span).toMatchObject({ traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(span.traceState?.serialize()).toBe('vendor=abc,other=1');
  });

  it('takes the first of repeated HTTP headers', () => {
    expect(trace.getSpanContext(extractTraceContext({ traceparent: [PARENT, `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`] })!)?.traceId).toBe(TRACE_ID);
  });

  it('is no context when there is no valid traceparent', () => {
    for (const traceparent of [undefined, '', 'garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `00-${TRACE_ID}-${'0'.repeat(16)}-01`, `ff-${TRACE_ID}-00f067aa0ba902b7-01`, PARENT.toUpperCase()]) {
      expect(extractTraceContext({ traceparent })).toBeUndefined();
    }
    expect(extractTraceContext({ tracestate: 'vendor=abc' })).toBeUndefined();
  });

  it("accepts a later version's traceparent by its first fields", () => {
    expect(trace.getSpanContext(extractTraceContext({ traceparent: `01-${TRACE_ID}-00f067aa0ba902b7-01-future` })!)?.traceId).toBe(TRACE_ID);
  });
});

describe('traceHeadersOf', () => {
  it('writes the span of a context as W3C headers, tracestate kept', () => {
    const context = extractTraceContext({ traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-00`, tracestate: 'vendor=abc' })!;
    expect(traceHeadersOf(context)).toEqual({ traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-00`, tracestate: 'vendor=abc' });
  });

  it('writes a child span as the parent of what is sent', () => {
    const child = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: 'a'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    expect(traceHeadersOf(child)).toEqual({ traceparent: `00-${TRACE_ID}-${'a'.repeat(16)}-01` });
  });

  it('writes nothing outside a trace', () => {
    expect(traceHeadersOf(ROOT_CONTEXT)).toBeUndefined();
  });
});
