import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process, labelled with the service name; every Herald metric is prefixed `herald_`. */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });
  return registry;
}
