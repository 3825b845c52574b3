import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// Get-or-create: two modules of one process may both provide a metrics class, and
// prom-client refuses a second registration of the same name.

/**
 * A counter whose labelled increments add to a plain number per label values, found through one map per label, and
 * reach prom-client when it is scraped (its `collect`). prom-client's own `inc` builds a key string, checks the labels
 * and returns an object on every call: 2.5 % of the webhook-sender's allocation in a burst, which counts each attempt
 * and each delivery. A label set's first increment goes through prom-client, so its checks still apply.
 */
export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  const existing = registry.getSingleMetric(name) as Counter<L> | undefined;
  if (existing) return existing;
  const sums = new LabelSums();
  const metric = new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      sums.drain((labels, value) => add(labels as Record<L, string>, value));
    },
  });
  const add = metric.inc.bind(metric) as (labels?: Record<L, string> | number, value?: number) => void;
  metric.inc = ((labels?: Record<L, string> | number, value: number = 1) => {
    // Unlabelled, zero (startAtZero) or not a valid increment: prom-client's own way, with its errors.
    if (typeof labels !== 'object' || labelNames.length === 0 || !(value > 0 && value < Infinity)) return add(labels, value);
    const sum = sums.of(labelNames, labels) ?? (add(labels, 0), sums.start(labelNames, labels));
    sum.value += value;
  }) as Counter<L>['inc'];
  return metric;
}

/** What a counter's increments added since its last scrape, per label values in its label names' order. */
class LabelSums {
  private readonly root = new Map<unknown, unknown>();
  private readonly sums: Sum[] = [];

  of(names: readonly string[], labels: Readonly<Record<string, unknown>>): Sum | undefined {
    let level: unknown = this.root;
    for (const name of names) level = (level as Map<unknown, unknown> | undefined)?.get(labels[name]);
    return level as Sum | undefined;
  }

  start(names: readonly string[], labels: Readonly<Record<string, unknown>>): Sum {
    let level = this.root;
    for (const name of names.slice(0, -1)) {
      if (!level.has(labels[name])) level.set(labels[name], new Map());
      level = level.get(labels[name]) as Map<unknown, unknown>;
    }
    const sum = { labels: { ...labels }, value: 0 };
    level.set(labels[names[names.length - 1]], sum);
    this.sums.push(sum);
    return sum;
  }

  /** Hands every sum above zero to `add` and starts it again from zero. */
  drain(add: (labels: object, value: number) => void): void {
    for (const sum of this.sums) {
      if (sum.value === 0) continue;
      add(sum.labels, sum.value);
      sum.value = 0;
    }
  }
}

interface Sum {
  labels: object;
  value: number;
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
