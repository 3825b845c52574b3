import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { HeraldConfig } from '@herald/config';
import { startTracing, type Tracing } from '@herald/tracing';

/**
 * Tracing for the service's lifetime: set up before any message or request is handled (module init), and, on
 * shutdown, after the consumers have finished, the spans still queued are exported.
 */
export class TracingLifecycle implements OnApplicationShutdown {
  private readonly tracing: Tracing;

  constructor(config: HeraldConfig, service: string) {
    this.tracing = startTracing(config, service);
    new Logger('tracing').log({ msg: this.tracing.exportingTo ? 'exporting spans over OTLP' : 'spans not exported (no OTEL_EXPORTER_OTLP_ENDPOINT)', endpoint: this.tracing.exportingTo });
  }

  onApplicationShutdown(): Promise<void> {
    return this.tracing.shutdown();
  }
}
