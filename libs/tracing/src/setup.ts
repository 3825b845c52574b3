import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler, type SpanExporter } from '@opentelemetry/sdk-trace';
import { HERALD_VERSION, type HeraldConfig } from '@herald/config';
import { tracingSettings, type TraceExport, type TracingSettings } from './settings';
import { recordWith } from './spans';

export interface Tracing {
  /** Where spans go, or null: none are recorded. */
  readonly exportingTo: string | null;
  /** Stops recording and exports what is still queued; rejects when that export fails (the spans are lost). */
  shutdown(): Promise<void>;
}

/**
 * Sets up tracing for one service process, once, before anything is handled. The context manager is always
 * installed, so a producer's trace context is carried on to receivers even when nothing is exported (that costs
 * only the messages that carry one). Spans are recorded and exported, in batches, only with an OTLP endpoint;
 * `exporter` replaces the OTLP one (tests).
 */
export function startTracing(config: HeraldConfig, service: string, exporter?: SpanExporter): Tracing {
  const settings = tracingSettings(config, service, HERALD_VERSION);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const batching = settings.export;
  if (!batching) return { exportingTo: null, shutdown: async () => undefined };
  const provider = new TracerProvider({
    resource: resourceFromAttributes(settings.resource),
    sampler: samplerFor(settings.sampler),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: exporter ?? exporterFor(batching), scheduledDelayMillis: batching.scheduleDelayMs, maxQueueSize: batching.maxQueueSize, maxExportBatchSize: batching.maxExportBatchSize }),
    ],
  });
  // Spans come from this provider directly: no global provider, so nothing else in the process starts recording.
  recordWith(provider.getTracer('herald', HERALD_VERSION));
  return {
    exportingTo: batching.url,
    async shutdown() {
      recordWith(undefined);
      await provider.shutdown();
    },
  };
}

function exporterFor({ url, protocol }: TraceExport): SpanExporter {
  return protocol === 'http/json' ? new JsonExporter({ url }) : new ProtobufExporter({ url });
}

function samplerFor({ name, ratio }: TracingSettings['sampler']): Sampler {
  const root = name.endsWith('always_on') ? new AlwaysOnSampler() : name.endsWith('always_off') ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}
