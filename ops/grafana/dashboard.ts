import {
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { BACKLOG_TOPICS } from '../prometheus/alerts';

// "Herald — delivery": the first rows answer is delivery healthy, who is failing (channel and format, and with the
// opt-in per-destination counter which webhooks and channels) and how far
// behind are we; the rows below them explain why. docs/operations.md describes each row.
//
// Aggregation follows how each metric is reported: counters and per-process gauges are summed across replicas;
// values every replica reads from the same source (consumer lag from Kafka, paused webhooks and held deliveries
// from Postgres) take the max, since summing would count them once per replica.

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Label matcher of the `service` variable; every Herald series carries `service`. */
const IN_SERVICE = 'service=~"$service"';

/** Success-rate colours: red below 90 % (the alert's line), amber below 99 %. */
const SUCCESS_RATE_STEPS = [
  { value: null, color: 'red' },
  { value: 0.9, color: 'orange' },
  { value: 0.99, color: 'green' },
];
const ZERO_IS_GOOD_STEPS = [
  { value: null, color: 'green' },
  { value: 1, color: 'orange' },
];

type Thresholds = { value: number | null; color: string }[];

interface Query {
  expr: string;
  legend?: string;
}

function query({ expr, legend }: Query): DataqueryBuilder {
  const builder = new DataqueryBuilder().expr(expr).datasource(DATASOURCE);
  return legend ? builder.legendFormat(legend) : builder;
}

function thresholds(steps: Thresholds): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** A single number for the top row; `noValue` is what it shows when the query returns nothing. */
function stat(title: string, description: string, unit: string, expr: string, steps: Thresholds, noValue = '0'): StatPanelBuilder {
  return new StatPanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .withTarget(query({ expr }).instant())
    .unit(unit)
    .thresholds(thresholds(steps))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .noValue(noValue)
    .height(4)
    .span(3);
}

interface TimeseriesOptions {
  stacked?: boolean;
  max?: number;
  span?: number;
}

function timeseries(title: string, description: string, unit: string, queries: Query[], options: TimeseriesOptions = {}): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .targets(queries.map(query))
    .unit(unit)
    .min(0)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Right).calcs(['lastNotNull', 'max']))
    .height(8)
    .span(options.span ?? 12);
  if (options.max !== undefined) panel.max(options.max);
  if (options.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  return panel;
}

/** rate() of a counter summed by `by`, restricted to the chosen services and `matchers`. */
function rate(metric: string, by: string[], { matchers = '', window = '$__rate_interval' } = {}): string {
  const selector = `${metric}{${[IN_SERVICE, matchers].filter(Boolean).join(', ')}}`;
  const grouping = by.length ? ` by (${by.join(', ')}) ` : '';
  return `sum${grouping}(rate(${selector}[${window}]))`;
}

/**
 * Share of final outcomes that succeeded. Counted from failures, so a channel where nothing succeeds still reads
 * 0 % (and one with no failure series yet reads 100 %); no value at all while nothing was delivered.
 */
function successRate(by: string[], window?: string): string {
  const all = rate('herald_deliveries_total', by, { window });
  const failed = rate('herald_deliveries_total', by, { matchers: 'outcome="failed"', window });
  return `1 - (${failed} or ${all} * 0) / (${all} > 0)`;
}

/** Quantiles of a histogram by `by`, one query per quantile. */
function quantiles(histogram: string, by: string[], qs: number[], legend: string): Query[] {
  return qs.map((q) => ({
    expr: `histogram_quantile(${q}, ${rate(`${histogram}_bucket`, [...by, 'le'])})`,
    legend: `${legend} p${Math.round(q * 100)}`,
  }));
}

/** Per-minute rate: dead letters, pauses and breaker trips are rare enough that per-second reads as zero. */
function perMinute(metric: string, by: string[], matchers?: string): string {
  return `${rate(metric, by, { matchers })} * 60`;
}

function atAGlance(): StatPanelBuilder[] {
  return [
    stat('Delivery success (5m)', 'Succeeded among deliveries that reached a final state, last 5 minutes.', 'percentunit', successRate([], '5m'), SUCCESS_RATE_STEPS, 'no deliveries'),
    stat('Delivery success (1h)', 'Succeeded among deliveries that reached a final state, last hour.', 'percentunit', successRate([], '1h'), SUCCESS_RATE_STEPS, 'no deliveries'),
    stat('Deliveries / s', 'Deliveries reaching a final state per second, last 5 minutes.', 'ops', rate('herald_deliveries_total', [], { window: '5m' }), [{ value: null, color: 'blue' }]),
    stat('Max consumer lag', 'Messages the furthest-behind consumer group has yet to read (retry tiers, which wait on purpose, left out).', 'short', `max(herald_kafka_consumer_lag_messages{${IN_SERVICE}, ${BACKLOG_TOPICS}})`, [
      { value: null, color: 'green' },
      { value: 1000, color: 'orange' },
      { value: 100000, color: 'red' },
    ]),
    stat('Open circuit breakers', 'Endpoints whose breaker is open now, summed across webhook-sender replicas.', 'short', `sum(herald_circuit_breakers_open{${IN_SERVICE}})`, ZERO_IS_GOOD_STEPS),
    stat('Paused webhooks', 'Webhooks paused now; their deliveries are held until resumed.', 'short', `max(herald_paused_webhooks{${IN_SERVICE}})`, ZERO_IS_GOOD_STEPS),
    stat('Dead-lettered (1h)', 'Messages parked on the events DLQ or the deliveries dead-letter topic in the last hour.', 'short', `sum(increase(herald_dlq_messages_total{${IN_SERVICE}}[1h]))`, ZERO_IS_GOOD_STEPS),
    stat('Services down', 'Herald scrape targets not answering.', 'short', `count(up{job="herald", ${IN_SERVICE}} == 0) or vector(0)`, [
      { value: null, color: 'green' },
      { value: 1, color: 'red' },
    ]),
  ];
}

function delivery(): TimeseriesPanelBuilder[] {
  return [
    timeseries('Delivery success rate by channel / format', 'Who is failing: succeeded among final outcomes, per channel and format.', 'percentunit', [
      { expr: successRate(['channel', 'format']), legend: '{{channel}} / {{format}}' },
    ], { max: 1 }),
    timeseries('Failing destinations (top 10, opt-in)', 'Which webhooks and email channels fail, by org: failed attempts per second. Needs HERALD_METRICS_FAILING_DESTINATIONS > 0 on the senders; "other" sums destinations past that cap.', 'ops', [
      { expr: `topk(10, ${rate('herald_destination_failures_total', ['channel', 'org', 'destination'])})`, legend: '{{channel}} {{org}} / {{destination}}' },
    ]),
    timeseries('Deliveries by channel / format / outcome', 'Deliveries reaching a final state per second.', 'ops', [
      { expr: rate('herald_deliveries_total', ['channel', 'format', 'outcome']), legend: '{{channel}} / {{format}} {{outcome}}' },
    ], { stacked: true }),
    timeseries('Attempts by channel / format / result', 'Every attempt, retries included; no_request means the breaker was open or the destination is gone.', 'ops', [
      { expr: rate('herald_delivery_attempts_total', ['channel', 'format', 'result']), legend: '{{channel}} / {{format}} {{result}}' },
    ], { stacked: true }),
    timeseries('Deliveries routed by channel', 'Delivery jobs ingest created, one per event and destination.', 'ops', [
      { expr: rate('herald_deliveries_routed_total', ['channel']), legend: '{{channel}}' },
    ], { stacked: true }),
    timeseries('Attempt latency by channel', 'HTTP or SMTP time of attempts that made a request.', 's',
      quantiles('herald_delivery_attempt_duration_seconds', ['channel'], [0.5, 0.95, 0.99], '{{channel}}')),
  ];
}

function retries(): TimeseriesPanelBuilder[] {
  return [
    timeseries('Retries scheduled by tier', 'Attempts parked in a retry tier, per second.', 'ops', [
      { expr: rate('herald_retries_scheduled_total', ['tier']), legend: '{{tier}}' },
    ], { stacked: true }),
    timeseries('Retry lateness p99 by tier', 'How long after its due time a retry went back to its deliveries topic; alerting above 60 s.', 's',
      quantiles('herald_retry_lateness_seconds', ['tier'], [0.99], '{{tier}}')),
  ];
}

function deadLetters(): TimeseriesPanelBuilder[] {
  return [
    timeseries('DLQ and dead letters by cause', 'Messages parked per minute, by topic and cause.', 'opm', [
      { expr: perMinute('herald_dlq_messages_total', ['topic', 'cause']), legend: '{{topic}} {{cause}}' },
    ], { stacked: true }),
    timeseries('Consumer lag by group / topic', 'How far behind: messages each consumer group has yet to read.', 'short', [
      { expr: `max by (group, topic) (herald_kafka_consumer_lag_messages{${IN_SERVICE}})`, legend: '{{group}} {{topic}}' },
    ]),
  ];
}

function endpointHealth(): TimeseriesPanelBuilder[] {
  return [
    timeseries('Paused webhooks, held deliveries, open breakers', 'State now: webhooks paused, deliveries held for them, breakers open.', 'short', [
      { expr: `max(herald_paused_webhooks{${IN_SERVICE}})`, legend: 'paused webhooks' },
      { expr: `max(herald_held_deliveries{${IN_SERVICE}})`, legend: 'held deliveries' },
      { expr: `sum(herald_circuit_breakers_open{${IN_SERVICE}})`, legend: 'open breakers' },
    ]),
    timeseries('Breakers opened, auto-pauses, held and rate-limited', 'Events per minute; rate-limited attempts waited in place or were deferred to their slot.', 'opm', [
      { expr: perMinute('herald_circuit_breakers_opened_total', []), legend: 'breakers opened' },
      { expr: perMinute('herald_webhooks_paused_total', []), legend: 'webhooks auto-paused' },
      { expr: perMinute('herald_deliveries_held_total', ['channel']), legend: 'held {{channel}}' },
      { expr: perMinute('herald_deliveries_rate_limited_total', ['action']), legend: 'rate-limited, {{action}}' },
    ]),
  ];
}

function ingestion(): TimeseriesPanelBuilder[] {
  return [
    timeseries('Events accepted vs rejected', 'Events ingest accepted by source, and refused by reason.', 'ops', [
      { expr: rate('herald_events_ingested_total', ['source']), legend: 'accepted {{source}}' },
      { expr: rate('herald_events_rejected_total', ['reason']), legend: 'rejected {{reason}}' },
    ], { span: 24 }),
  ];
}

function adminApi(): TimeseriesPanelBuilder[] {
  return [
    timeseries('API requests by route / status', 'Admin API requests per second, by route template and status code.', 'reqps', [
      { expr: rate('herald_api_requests_total', ['method', 'route', 'status']), legend: '{{method}} {{route}} {{status}}' },
    ], { stacked: true }),
    timeseries('API latency by route', 'Admin API request duration.', 's',
      quantiles('herald_api_request_duration_seconds', ['method', 'route'], [0.95, 0.99], '{{method}} {{route}}')),
  ];
}

function serviceHealth(): TimeseriesPanelBuilder[] {
  const perInstance = '{{service}} {{instance}}';
  return [
    timeseries('Up', '1 when Prometheus could scrape the target.', 'short', [
      { expr: `up{job="herald", ${IN_SERVICE}}`, legend: perInstance },
    ], { max: 1, span: 6 }),
    timeseries('CPU', 'CPU time per second (1 = one core).', 'percentunit', [
      { expr: rate('herald_process_cpu_seconds_total', ['service', 'instance']), legend: perInstance },
    ], { span: 6 }),
    timeseries('Memory', 'Resident set size and V8 heap in use.', 'bytes', [
      { expr: `sum by (service, instance) (herald_process_resident_memory_bytes{${IN_SERVICE}})`, legend: `rss ${perInstance}` },
      { expr: `sum by (service, instance) (herald_nodejs_heap_size_used_bytes{${IN_SERVICE}})`, legend: `heap ${perInstance}` },
    ], { span: 6 }),
    timeseries('Event-loop lag p99', 'A busy or blocked event loop delays every consumer and request of the process.', 's', [
      { expr: `max by (service, instance) (herald_nodejs_eventloop_lag_p99_seconds{${IN_SERVICE}})`, legend: perInstance },
    ], { span: 6 }),
  ];
}

const ROWS: [title: string, panels: () => (StatPanelBuilder | TimeseriesPanelBuilder)[]][] = [
  ['At a glance', atAGlance],
  ['Delivery: who is failing', delivery],
  ['Retries', retries],
  ['Dead letters and consumer lag: how far behind', deadLetters],
  ['Endpoint health: breakers, pauses, held deliveries', endpointHealth],
  ['Ingestion', ingestion],
  ['Admin API', adminApi],
  ['Service health', serviceHealth],
];

/** The dashboard model Grafana imports (the JSON under ops/grafana/dashboards/). */
export function heraldDeliveryDashboard(): Dashboard {
  const builder = new DashboardBuilder('Herald — delivery')
    .uid('herald-delivery')
    .description('Is delivery healthy, who is failing, how far behind are we. Generated by npm run ops:generate from ops/grafana/dashboard.ts.')
    .tags(['herald'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-3h', to: 'now' })
    .refresh('30s')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('service')
        .label('Service')
        .datasource(DATASOURCE)
        .query('label_values(up{job="herald"}, service)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );
  // Stable ids keep links to a panel (?viewPanel=) valid from one generation to the next.
  let id = 0;
  for (const [title, panels] of ROWS) {
    builder.withRow(new RowBuilder(title).id(++id));
    for (const panel of panels()) builder.withPanel(panel.id(++id));
  }
  return builder.build();
}

/** Every query of the dashboard with the title of its panel, rows' nested panels included. */
export function dashboardQueries(dashboard: Dashboard): { panel: string; expr: string }[] {
  const panels = (dashboard.panels ?? []).flatMap((panel) => ('panels' in panel ? [panel, ...panel.panels] : [panel])) as Panel[];
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title ?? '', expr: String((target as { expr?: unknown }).expr ?? '') })),
  );
}
