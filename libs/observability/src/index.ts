export { HealthRegistry, type ComponentHealth } from './health';
export { createRegistry } from './metrics';
export { ObservabilityModule } from './observability.module';
