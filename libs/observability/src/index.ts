export { describeError } from './describe-error';
export { HealthRegistry, type ComponentHealth } from './health';
export { counter, histogram, sampledGauge } from './metrics/define';
export { ApiMetrics, DeadLetterMetrics, DeliveryMetrics, IntakeMetrics, OTHER_DESTINATIONS, RetryMetrics, type AttemptResult, type DeliveryChannel, type MeteredDestination } from './metrics/herald-metrics';
export { countApiRequests } from './metrics/api-requests';
export { createRegistry } from './metrics/registry';
export { ObservabilityModule } from './observability.module';
