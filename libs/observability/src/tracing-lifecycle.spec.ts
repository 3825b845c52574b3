import { Logger } from '@nestjs/common';
import { loadConfig } from '@herald/config';
import { inSpan, SpanKind } from '@herald/tracing';
import { TracingLifecycle } from './tracing-lifecycle';

describe('TracingLifecycle', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  it('shuts down cleanly when the collector cannot be reached: the last spans are lost, not the shutdown', async () => {
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '500'; // the exporter reads its own timeout
    try {
      const lifecycle = new TracingLifecycle(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }), 'spec');
      await inSpan('hop', SpanKind.CONSUMER, () => ({}), async () => undefined);
      await expect(lifecycle.onApplicationShutdown()).resolves.toBeUndefined();
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    }
  });
});
