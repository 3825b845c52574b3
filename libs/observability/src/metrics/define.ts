import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// Get-or-create: two modules of one process may both provide a metrics class, and
// prom-client refuses a second registration of the same name.

export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
  return (registry.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

/**
 * A gauge read at scrape time from `read`. The last value is kept for `cacheMs` so a tight
 * scrape interval or several scrapers do not turn into a query each; a read that fails or
 * takes longer than the scrape can wait keeps the previous value instead of failing /metrics.
 */
export function sampledGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>,
  { cacheMs = 10_000, timeoutMs = 3_000 } = {},
): Gauge<L> {
  let sampledAt = 0;
  let pending: Promise<void> | null = null;
  const gauge = new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      if (Date.now() - sampledAt < cacheMs) return;
      pending ??= read()
        .then((samples) => {
          this.reset();
          for (const { labels, value } of samples) this.set(labels, value);
          sampledAt = Date.now();
        })
        .catch(() => undefined)
        .finally(() => (pending = null));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    },
  });
  return gauge;
}
