import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { HeraldConfig } from '@herald/config';
import { startTracing, type Tracing } from '@herald/tracing';
import { describeError } from './describe-error';

/**
 * Tracing for the service's lifetime: set up before any message or request is handled (module init), and, on
 * shutdown, after the consumers have finished, the spans still queued are exported.
 */
export class TracingLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('tracing');
  private readonly tracing: Tracing;

  constructor(config: HeraldConfig, service: string) {
    this.tracing = startTracing(config, service);
    this.logger.log({ msg: this.tracing.exportingTo ? 'exporting spans over OTLP' : 'spans not exported (no OTEL_EXPORTER_OTLP_ENDPOINT)', endpoint: this.tracing.exportingTo });
  }

  async onApplicationShutdown(): Promise<void> {
    // A collector that is down or slow costs the last spans, never a clean shutdown.
    await this.tracing.shutdown().catch((error: unknown) => this.logger.warn({ msg: 'last spans not exported', error: describeError(error) }));
  }
}
