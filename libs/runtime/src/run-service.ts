import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { ConsoleLogger, type INestApplication, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type HeraldConfig } from '@herald/config';
import { connectConsumer } from '@herald/kafka';
import { activeTraceIds } from '@herald/tracing';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * How far V8 lets the old generation grow past what the last full GC kept before it collects again. V8's own
 * factor reaches 4 while the process allocates fast, so under a burst the webhook-sender's promoted garbage
 * (deliveries that waited their turn long enough to leave the young generation) piled up to 234 MiB over 50–80 MiB
 * live. What a service keeps live is small (the sender's heap holds 45 MiB fresh and 59 in a burst), so the rest of
 * its old space is headroom: at 1.5× the sender's burst peak is 25 MiB lower than at 2× for the same CPU per delivery,
 * while at 1.2× ingest's CPU per delivery doubled (docs/performance.md, "Headroom, not live data"). A V8 flag that
 * NODE_OPTIONS refuses, so it is set here, for every way a service is started; V8 reads it at each full GC.
 */
const HEAP_GROWING_PERCENT = 50;

export interface ServiceOptions {
  /** Service name: consumer group `<prefix>.<name>`, metrics label, log context. */
  name: string;
  module: Type<unknown>;
  /** Consume the topics the module's providers handle (ConsumerHooks.consume); false for HTTP-only processes. */
  consumer?: { concurrency?: number; ordering?: 'key' | 'none'; partitionsConsumedConcurrently?: number } | false;
  /** HTTP setup that must happen before the app initialises (body parsers, docs routes). */
  configure?: (app: INestApplication) => void;
}

/**
 * Nest's console logger, whose lines written in a trace (a delivery's, an event's) carry its trace and span ids:
 * `traceId`/`spanId` fields in JSON, `[trace <id>]` in text.
 */
class TraceLogger extends ConsoleLogger {
  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]) {
    const ids = activeTraceIds();
    return ids ? { ...super.getJsonLogObject(message, options), ...ids } : super.getJsonLogObject(message, options);
  }

  protected override formatContext(context: string): string {
    const ids = activeTraceIds();
    return ids ? `${super.formatContext(context)}[trace ${ids.traceId}] ` : super.formatContext(context);
  }
}

export function createLogger(config: HeraldConfig, name: string): ConsoleLogger {
  return new TraceLogger({
    json: config.LOG_FORMAT === 'json',
    logLevels: ORDER.slice(0, ORDER.indexOf(config.LOG_LEVEL) + 1),
    prefix: `herald-${name}`,
    colors: config.LOG_FORMAT !== 'json',
  });
}

/**
 * Starts one Herald process: topology and producer first (module init), then the consumer
 * group, then HTTP. SIGTERM/SIGINT run the reverse: consumers finish and commit, then the
 * producer and database close.
 */
export async function runService({ name, module, consumer = {}, configure }: ServiceOptions): Promise<INestApplication> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const config = loadConfig();
  const app = await NestFactory.create(module, { logger: createLogger(config, name), abortOnError: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  configure?.(app);
  await app.init();
  if (consumer) {
    connectConsumer(app, config, name, consumer);
    await app.startAllMicroservices();
  }
  await app.listen(config.PORT, '0.0.0.0');
  return app;
}
