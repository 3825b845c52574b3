import { DynamicModule, Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HealthRegistry } from './health';
import { createRegistry } from './metrics/registry';
import { ObservabilityController } from './observability.controller';

/** /healthz, /readyz and /metrics for a service, plus the registries components report to. */
@Global()
@Module({})
export class ObservabilityModule {
  static forService(service: string): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [ObservabilityController],
      providers: [HealthRegistry, { provide: Registry, useFactory: () => createRegistry(service) }],
      exports: [HealthRegistry, Registry],
    };
  }
}
