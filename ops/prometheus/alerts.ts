import { Topics } from '@herald/kafka';
import { generatedYaml } from '../generated-yaml';

// Herald's alert rules, the one source of ops/prometheus/herald-alerts.yml (Prometheus, docker-compose) and
// k8s/components/monitoring/prometheusrule.yaml (the Prometheus Operator). `npm run ops:generate` writes both;
// ops/prometheus/herald-alerts.test.yml proves with promtool that each one fires when it should and not otherwise.
//
// Counters and per-process gauges are summed across replicas; values every replica reads from one source
// (consumer lag, paused webhooks) take the max.

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity };
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** Below this share of succeeded final outcomes, per channel and format, delivery is unhealthy. */
export const SUCCESS_RATE_FLOOR = 0.9;
/** Fewer final outcomes than this in the window say too little about a success rate. */
export const SUCCESS_RATE_MIN_DELIVERIES = 20;
export const LAG_GROWING_THRESHOLD = 1_000;
export const LAG_CRITICAL_THRESHOLD = 100_000;
/**
 * Retry tiers hold messages until they are due, so their lag is waiting by design, not falling
 * behind; a stuck retry-scheduler shows as HeraldRetriesLate instead.
 */
export const BACKLOG_TOPICS = 'topic!~"herald\\\\.retry\\\\..+"';
export const RETRY_LATENESS_LIMIT_SECONDS = 60;

/** Runbooks are the sections of docs/operations.md headed by the alert's name. */
export function runbookUrl(alert: string): string {
  return `docs/operations.md#${alert.toLowerCase()}`;
}

function rule(alert: string, severity: Severity, spec: { expr: string; for?: string; summary: string; description: string }): AlertRule {
  return {
    alert,
    expr: spec.expr,
    ...(spec.for ? { for: spec.for } : {}),
    labels: { severity },
    annotations: { summary: spec.summary, description: spec.description, runbook_url: runbookUrl(alert) },
  };
}

function parkedMessagesGrowing(alert: string, topic: string, what: string): AlertRule {
  return rule(alert, 'warning', {
    expr: `sum by (cause) (increase(herald_dlq_messages_total{topic="${topic}"}[10m])) > 0`,
    summary: `${what} are being parked on ${topic}`,
    description: `About {{ $value | humanize }} messages with cause {{ $labels.cause }} went to ${topic} in the last 10 minutes.`,
  });
}

export const alertRuleGroups: RuleGroup[] = [
  {
    name: 'herald.delivery',
    rules: [
      rule('HeraldDeliverySuccessRateLow', 'critical', {
        // Computed from failures, so a channel/format where nothing succeeds at all still yields a value.
        expr: `1 - (
  sum by (channel, format) (rate(herald_deliveries_total{outcome="failed"}[10m]))
  / sum by (channel, format) (rate(herald_deliveries_total[10m]))
) < ${SUCCESS_RATE_FLOOR}
and sum by (channel, format) (increase(herald_deliveries_total[10m])) >= ${SUCCESS_RATE_MIN_DELIVERIES}`,
        for: '5m',
        summary: 'Deliveries over {{ $labels.channel }}/{{ $labels.format }} are failing',
        description: `Only {{ $value | humanizePercentage }} of {{ $labels.channel }}/{{ $labels.format }} deliveries that reached a final state in the last 10 minutes succeeded (alerting below ${SUCCESS_RATE_FLOOR * 100} %).`,
      }),
      parkedMessagesGrowing('HeraldDeadLettersGrowing', Topics.dead, 'Deliveries'),
      parkedMessagesGrowing('HeraldEventsDLQGrowing', Topics.eventsDlq, 'Events'),
      parkedMessagesGrowing('HeraldDeliveriesQuarantined', Topics.deliveriesDlq, 'Delivery jobs'),
      rule('HeraldRetriesLate', 'warning', {
        expr: `histogram_quantile(0.99, sum by (tier, le) (rate(herald_retry_lateness_seconds_bucket[10m]))) > ${RETRY_LATENESS_LIMIT_SECONDS}`,
        for: '10m',
        summary: 'Retries in tier {{ $labels.tier }} go out late',
        description: `The slowest 1 % of {{ $labels.tier }} retries went back {{ $value | humanizeDuration }} or more after their due time (alerting above ${RETRY_LATENESS_LIMIT_SECONDS} s).`,
      }),
    ],
  },
  {
    name: 'herald.kafka',
    rules: [
      rule('HeraldConsumerLagGrowing', 'warning', {
        expr: `max by (group, topic) (herald_kafka_consumer_lag{${BACKLOG_TOPICS}}) > ${LAG_GROWING_THRESHOLD}
and max by (group, topic) (delta(herald_kafka_consumer_lag{${BACKLOG_TOPICS}}[10m])) > 0`,
        for: '10m',
        summary: 'Consumer group {{ $labels.group }} is falling behind on {{ $labels.topic }}',
        description: `{{ $labels.group }} is {{ $value | humanize }} messages behind on {{ $labels.topic }} and the lag is still growing.`,
      }),
      rule('HeraldConsumerLagCritical', 'critical', {
        expr: `max by (group, topic) (herald_kafka_consumer_lag{${BACKLOG_TOPICS}}) > ${LAG_CRITICAL_THRESHOLD}`,
        for: '5m',
        summary: 'Consumer group {{ $labels.group }} is far behind on {{ $labels.topic }}',
        description: `{{ $labels.group }} is {{ $value | humanize }} messages behind on {{ $labels.topic }} (critical above ${LAG_CRITICAL_THRESHOLD}).`,
      }),
    ],
  },
  {
    name: 'herald.availability',
    rules: [
      rule('HeraldServiceDown', 'critical', {
        expr: 'up{job="herald"} == 0',
        for: '2m',
        summary: 'Herald {{ $labels.service }} is down',
        description: 'Prometheus could not scrape {{ $labels.service }} at {{ $labels.instance }} for 2 minutes.',
      }),
      rule('HeraldTargetsMissing', 'critical', {
        expr: 'absent(up{job="herald"})',
        for: '5m',
        summary: 'Prometheus scrapes no Herald service',
        description: 'There is no scrape target in job "herald": Herald is not running, or the scrape configuration lost it.',
      }),
    ],
  },
  {
    name: 'herald.endpoints',
    rules: [
      rule('HeraldCircuitBreakersOpen', 'info', {
        expr: 'sum(herald_circuit_breakers_open) > 0',
        for: '15m',
        summary: 'Webhook endpoints have had their circuit breaker open for 15 minutes',
        description: '{{ $value | humanize }} endpoints are refusing or failing requests; their deliveries are being retried.',
      }),
      rule('HeraldWebhooksPaused', 'info', {
        expr: 'max(herald_webhooks_paused) > 0',
        for: '15m',
        summary: 'Webhooks are paused',
        description: '{{ $value | humanize }} webhooks are paused; their deliveries are held until they are resumed.',
      }),
    ],
  },
];

const yamlDocument = (value: unknown) => generatedYaml('ops/prometheus/alerts.ts', value);

/** ops/prometheus/herald-alerts.yml: a Prometheus rule file. */
export function prometheusRuleFile(): string {
  return yamlDocument({ groups: alertRuleGroups });
}

/** k8s/components/monitoring/prometheusrule.yaml: the same groups as a Prometheus Operator PrometheusRule. */
export function prometheusRuleManifest(): string {
  return yamlDocument({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'herald-alerts', labels: { 'app.kubernetes.io/part-of': 'herald' } },
    spec: { groups: alertRuleGroups },
  });
}
