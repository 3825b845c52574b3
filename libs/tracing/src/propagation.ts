import { ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** Headers as a Kafka message (InboundMessage) or an HTTP request (Node's IncomingHttpHeaders) has them. */
export type TraceCarrier = Readonly<Record<string, string | string[] | undefined>>;

/** W3C trace context headers for a message or request leaving the process. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

const w3c = new W3CTraceContextPropagator();
const getter: TextMapGetter<TraceCarrier> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };

/**
 * The trace a message or request continues: its `traceparent` (and `tracestate`) as the W3C specification reads
 * them (version 00 and later versions' first fields; an all-zero or malformed id is no context). Undefined when
 * there is none, so callers skip all context work for untraced input.
 */
export function extractTraceContext(carrier: TraceCarrier, base: Context = ROOT_CONTEXT): Context | undefined {
  if (carrier.traceparent === undefined) return undefined;
  const extracted = w3c.extract(base, carrier, getter);
  return extracted === base ? undefined : extracted;
}

/** The W3C headers naming `context`'s span as the parent of what is sent; undefined when it has no valid span. */
export function traceHeadersOf(context: Context): TraceHeaders | undefined {
  if (!trace.getSpanContext(context)) return undefined;
  const headers: Partial<TraceHeaders> = {};
  w3c.inject(context, headers, { set: (carrier, key, value) => (carrier[key as keyof TraceHeaders] = value) });
  return headers.traceparent ? (headers as TraceHeaders) : undefined;
}
