import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// Get-or-create: two modules of one process may both provide a metrics class, and
// prom-client refuses a second registration of the same name.

export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

/**
 * Starts every combination of `values` at 0. A labelled series is otherwise created by its first increment, and
 * Prometheus's increase() and rate() never count that first value: the first dead letter, the first rejected
 * event or the first held delivery would not show in a panel or fire an alert. Give each label its known values.
 */
export function startAtZero<L extends string>(metric: Counter<L>, values: { readonly [K in L]: readonly string[] }): void {
  const names = Object.keys(values) as L[];
  let combinations: Partial<Record<L, string>>[] = [{}];
  for (const name of names) combinations = combinations.flatMap((labels) => values[name].map((value) => ({ ...labels, [name]: value })));
  for (const labels of combinations) metric.inc(labels as Record<L, string>, 0);
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
