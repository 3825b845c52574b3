import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { dashboardQueries, heraldDeliveryDashboard } from '../grafana/dashboard';
import { DASHBOARD_FILE, DASHBOARD_MANIFEST, generatedFiles } from '../generate';
import { metricFamiliesIn, promqlSyntaxErrors, referencedMetrics } from '../promql';

const root = path.resolve(__dirname, '..', '..');

/**
 * The contract with the services (libs/observability): every herald_ metric the dashboard or the alert rules may
 * query. A name here that the services do not export is caught by the e2e scrape; a query on a name missing here
 * fails below.
 */
const HERALD_METRICS = [
  'herald_events_ingested_total',
  'herald_events_rejected_total',
  'herald_dlq_messages_total',
  'herald_deliveries_routed_total',
  'herald_delivery_attempts_total',
  'herald_destination_failures_total',
  'herald_deliveries_total',
  'herald_delivery_attempt_duration_seconds',
  'herald_retries_scheduled_total',
  'herald_retry_lateness_seconds',
  'herald_circuit_breakers_opened_total',
  'herald_circuit_breakers_open',
  'herald_webhooks_paused_total',
  'herald_paused_webhooks',
  'herald_deliveries_held_total',
  'herald_deliveries_rate_limited_total',
  'herald_held_deliveries',
  'herald_kafka_consumer_lag_messages',
  'herald_api_requests_total',
  'herald_api_request_duration_seconds',
];
/** prom-client's default process metrics, prefixed herald_, that the dashboard reads. */
const DEFAULT_METRICS = [
  'herald_process_cpu_seconds_total',
  'herald_process_resident_memory_bytes',
  'herald_nodejs_heap_size_used_bytes',
  'herald_nodejs_eventloop_lag_p99_seconds',
];

const dashboard = heraldDeliveryDashboard();
const queries = dashboardQueries(dashboard);
const panels = dashboard.panels ?? [];
const titles = panels.map((panel) => panel.title);

describe('the Herald delivery dashboard', () => {
  it.each([DASHBOARD_FILE, DASHBOARD_MANIFEST])('is committed as %s exactly as npm run ops:generate writes it', (file) => {
    expect(readFileSync(path.join(root, file), 'utf8')).toBe(generatedFiles()[file]);
  });

  it('ships to Kubernetes as a ConfigMap for Grafana\'s dashboard sidecar, holding the same JSON', () => {
    const manifest = parse(generatedFiles()[DASHBOARD_MANIFEST]);
    expect(manifest.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(manifest.data['herald-delivery.json']).toBe(readFileSync(path.join(root, DASHBOARD_FILE), 'utf8'));
  });

  it('has queries, and every one is valid PromQL', () => {
    expect(queries.length).toBeGreaterThan(20);
    const invalid = queries.map((query) => ({ ...query, errors: promqlSyntaxErrors(query.expr) })).filter((query) => query.errors.length);
    expect(invalid).toEqual([]);
  });

  it('queries only metrics of the contract, and every Herald metric of it', () => {
    const dashboardMetrics = metricFamiliesIn(queries.map((query) => query.expr));
    const heraldReferenced = referencedMetrics().filter((name) => name.startsWith('herald_'));
    expect(heraldReferenced.filter((name) => ![...HERALD_METRICS, ...DEFAULT_METRICS].includes(name))).toEqual([]);
    expect([...HERALD_METRICS, ...DEFAULT_METRICS].filter((name) => !dashboardMetrics.includes(name))).toEqual([]);
  });

  it('answers at a glance, in its first row: is delivery healthy, and how far behind are we', () => {
    const firstRowEnd = panels.findIndex((panel, i) => i > 0 && panel.type === 'row');
    expect(panels[0]).toMatchObject({ type: 'row', title: 'At a glance' });
    const glance = panels.slice(1, firstRowEnd);
    expect(glance.every((panel) => panel.type === 'stat')).toBe(true);
    expect(glance.map((panel) => panel.title)).toEqual(
      expect.arrayContaining(['Delivery success (5m)', 'Delivery success (1h)', 'Deliveries / s', 'Max consumer lag', 'Open circuit breakers', 'Paused webhooks', 'Dead-lettered (1h)', 'Services down']),
    );
    // The success-rate stats turn red where the alert fires.
    const success = glance.find((panel) => panel.title === 'Delivery success (5m)') as Panel | undefined;
    expect(success?.fieldConfig?.defaults?.thresholds?.steps).toEqual(expect.arrayContaining([{ value: 0.9, color: 'orange' }]));
  });

  it('shows who is failing: success and outcomes per channel and format', () => {
    for (const title of ['Delivery success rate by channel / format', 'Deliveries by channel / format / outcome', 'Attempts by channel / format / result']) {
      const exprs = queries.filter((query) => query.panel === title).map((query) => query.expr);
      expect(exprs).not.toEqual([]);
      for (const expr of exprs) expect(expr).toMatch(/by \(channel, format\b/);
    }
  });

  it('has the rows the operations guide describes', () => {
    for (const title of [
      'Consumer lag by group / topic',
      'Attempt latency by channel',
      'Retries scheduled by tier',
      'Retry lateness p99 by tier',
      'DLQ and dead letters by cause',
      'Paused webhooks, held deliveries, open breakers',
      'API requests by route / status',
      'API latency by route',
      'Events accepted vs rejected',
      'Up',
      'CPU',
      'Memory',
      'Event-loop lag p99',
    ]) {
      expect(titles).toContain(title);
    }
  });

  it('queries the chosen data source and services', () => {
    expect(dashboard.templating?.list?.map((variable) => [variable.name, variable.type])).toEqual([
      ['datasource', 'datasource'],
      ['service', 'query'],
    ]);
    for (const panel of panels.filter((panel) => panel.type !== 'row')) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(queries.filter((query) => !query.expr.includes('service=~"$service"'))).toEqual([]);
  });

  it('lays panels out on the grid with unique ids', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(panels.length);
    for (const panel of panels) expect((panel.gridPos?.x ?? 0) + (panel.gridPos?.w ?? 0)).toBeLessThanOrEqual(24);
  });
});

