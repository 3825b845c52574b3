export { startTracing, type Tracing } from './setup';
export { activeTraceIds, annotate, inSpan, outgoingTraceHeaders, SpanKind, SpanStatusCode, withTraceContext } from './spans';
export { deliveryAttributes, eventAttributes } from './attributes';
export type { TraceCarrier, TraceHeaders } from './propagation';
