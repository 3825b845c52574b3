export { startTracing, type Tracing } from './setup';
export { activeTraceIds, inSpan, outgoingTraceHeaders, SpanKind, withTraceContext } from './spans';
export { extractTraceContext, traceHeadersOf, type TraceCarrier, type TraceHeaders } from './propagation';
export { tracingSettings, type TracingSettings } from './settings';
