import type { HeraldConfig } from '@herald/config';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Where and how spans leave the process; absent when they do not. */
export interface TraceExport {
  url: string;
  protocol: OtlpProtocol;
  scheduleDelayMs: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

export type SamplerName = HeraldConfig['OTEL_TRACES_SAMPLER'];

export interface TracingSettings {
  export: TraceExport | null;
  sampler: { name: SamplerName; ratio: number };
  /** `service.name` is always `herald-<service>`: one ConfigMap feeds four services. */
  resource: Record<string, string>;
}

/**
 * What the standard OpenTelemetry variables ask for, as the specification reads them: the traces endpoint is used
 * as given, the general one gets `/v1/traces` appended; either enables export unless the SDK is disabled or the
 * exporter is `none`.
 */
export function tracingSettings(config: HeraldConfig, service: string, version: string): TracingSettings {
  const url = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (config.OTEL_EXPORTER_OTLP_ENDPOINT && `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`);
  const exporting = url && !config.OTEL_SDK_DISABLED && config.OTEL_TRACES_EXPORTER !== 'none';
  return {
    export: exporting
      ? {
          url,
          protocol: config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
          scheduleDelayMs: config.OTEL_BSP_SCHEDULE_DELAY,
          maxQueueSize: config.OTEL_BSP_MAX_QUEUE_SIZE,
          maxExportBatchSize: Math.min(config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, config.OTEL_BSP_MAX_QUEUE_SIZE),
        }
      : null,
    sampler: { name: config.OTEL_TRACES_SAMPLER, ratio: config.OTEL_TRACES_SAMPLER_ARG },
    resource: { ...resourceAttributes(config.OTEL_RESOURCE_ATTRIBUTES), 'service.name': `herald-${service}`, 'service.namespace': 'herald', 'service.version': version },
  };
}

/** `key=value,key2=value2`, values percent-decoded (the specification's format); malformed pairs are skipped. */
export function resourceAttributes(text: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    try {
      if (key) attributes[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // an invalid percent-escape: skip the pair, as the specification allows
    }
  }
  return attributes;
}
