import { DynamicModule, Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { HealthRegistry } from './health';
import { HealthServer } from './health-server';
import { createRegistry } from './metrics/registry';
import { ObservabilityController } from './observability.controller';
import { TracingLifecycle } from './tracing-lifecycle';

/** /healthz, /readyz and /metrics for a service (the probes also from a thread of their own on HEALTH_PORT), plus the registries components report to, and its tracing. */
@Global()
@Module({})
export class ObservabilityModule {
  static forService(service: string): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [ObservabilityController],
      providers: [
        HealthRegistry,
        HealthServer,
        { provide: Registry, useFactory: () => createRegistry(service) },
        { provide: TracingLifecycle, inject: [HERALD_CONFIG], useFactory: (config: HeraldConfig) => new TracingLifecycle(config, service) },
      ],
      exports: [HealthRegistry, Registry],
    };
  }
}
