import { metricNamesIn, promqlSyntaxErrors, referencedMetrics, withGrafanaVariablesSubstituted } from '../promql';

describe('metricNamesIn', () => {
  it('names each selected metric once, not functions, labels or aggregations', () => {
    const expr = 'sum by (channel) (rate(herald_deliveries_total{outcome="failed"}[10m])) / on (channel) sum by (channel) (rate(herald_deliveries_total[10m])) > bool herald_x';
    expect(metricNamesIn(expr)).toEqual(['herald_deliveries_total', 'herald_x']);
  });

  it('reads up, absent() and vector() for what they select', () => {
    expect(metricNamesIn('absent(up{job="herald"})')).toEqual(['up']);
    expect(metricNamesIn('count(up{job="herald"} == 0) or vector(0)')).toEqual(['up']);
    expect(metricNamesIn('vector(1)')).toEqual([]);
  });

  it('keeps histogram series names as written', () => {
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(herald_retry_lateness_seconds_bucket[5m])))')).toEqual([
      'herald_retry_lateness_seconds_bucket',
    ]);
  });

  it('reads Grafana queries with their variables', () => {
    const expr = 'sum(rate(herald_api_requests_total{service=~"$service", route=~"${route:regex}"}[$__rate_interval])) + sum(increase(herald_x[$__range]))';
    expect(metricNamesIn(expr)).toEqual(['herald_api_requests_total', 'herald_x']);
  });

  it('refuses what is not PromQL, and selectors it cannot name', () => {
    expect(() => metricNamesIn('sum(rate(herald_x[5m])')).toThrow(/not valid PromQL/);
    expect(() => metricNamesIn('rate(herald_x[$__rate_interval] )) ')).toThrow(/not valid PromQL/);
    expect(() => metricNamesIn('{__name__="herald_x"}')).toThrow(/without a metric name/);
  });
});

describe('withGrafanaVariablesSubstituted', () => {
  it('puts durations where interval variables go and words where the others go', () => {
    expect(withGrafanaVariablesSubstituted('rate(x{service=~"$service"}[$__rate_interval]) [$__interval] [${__range}]')).toBe(
      'rate(x{service=~"service"}[5m]) [5m] [5m]',
    );
  });
});

describe('promqlSyntaxErrors', () => {
  it('is empty for valid PromQL and locates what is not', () => {
    expect(promqlSyntaxErrors('sum by (tier) (rate(herald_retries_scheduled_total[5m]))')).toEqual([]);
    expect(promqlSyntaxErrors('sum by (tier (rate(herald_retries_scheduled_total[5m]))')).not.toEqual([]);
    expect(promqlSyntaxErrors('rate(herald_x[5m]) +')).not.toEqual([]);
  });
});

describe('referencedMetrics', () => {
  const metrics = referencedMetrics();

  it('is sorted, without repeats', () => {
    expect(metrics).toEqual([...new Set(metrics)].sort());
  });

  it('names histogram families by their base name', () => {
    expect(metrics).toContain('herald_delivery_attempt_duration_seconds');
    expect(metrics).toContain('herald_retry_lateness_seconds');
    expect(metrics.filter((name) => /_(bucket|sum|count)$/.test(name))).toEqual([]);
  });

  it('covers both the dashboard and the alert rules', () => {
    expect(metrics).toContain('up'); // dashboard and rules
    expect(metrics).toContain('herald_process_cpu_seconds_total'); // dashboard only
    expect(metrics).toContain('herald_kafka_consumer_lag_messages'); // both
  });
});
