import { parser } from '@prometheus-io/lezer-promql';
import { dashboardQueries, heraldDeliveryDashboard } from './grafana/dashboard';
import { alertRuleGroups } from './prometheus/alerts';

// Grafana expands its variables before a query reaches Prometheus; the parser needs a stand-in of the same
// kind. Interval variables stand where a duration goes; any other variable ($service) sits inside a label
// matcher's string, where a plain word keeps the query as it would be.
const GRAFANA_DURATION_VARIABLES = ['__rate_interval', '__interval', '__range'];
const GRAFANA_VARIABLE = /\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g;

/** A Grafana query as Prometheus would receive it, with variables replaced by representative values. */
export function withGrafanaVariablesSubstituted(expr: string): string {
  return expr.replace(GRAFANA_VARIABLE, (_, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return GRAFANA_DURATION_VARIABLES.includes(name) ? '5m' : name;
  });
}

function parsed(expr: string) {
  const source = withGrafanaVariablesSubstituted(expr);
  return { source, tree: parser.parse(source) };
}

/** Where the parser could not read the query (empty when it is valid PromQL), as `offset: text` entries. */
export function promqlSyntaxErrors(expr: string): string[] {
  const { source, tree } = parsed(expr);
  const errors: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`${node.from}: ${JSON.stringify(source.slice(node.from, node.to + 10))}`);
    },
  });
  return errors;
}

/** The metric names `expr` selects, sorted and without repeats (`up` included). Throws on invalid PromQL. */
export function metricNamesIn(expr: string): string[] {
  const errors = promqlSyntaxErrors(expr);
  if (errors.length) throw new Error(`not valid PromQL (${errors.join('; ')}): ${expr}`);
  const { source, tree } = parsed(expr);
  const names = new Set<string>();
  tree.iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const name = node.node.firstChild;
      // A selector by {__name__=...} alone would slip past every check that reads metric names.
      if (name?.name !== 'Identifier') throw new Error(`selector without a metric name in: ${expr}`);
      names.add(source.slice(name.from, name.to));
    },
  });
  return [...names].sort();
}

// _bucket, _sum and _count are the series of a histogram (Prometheus reserves these suffixes for them); what a
// service exports, and what /metrics names in `# TYPE`, is the family's base name.
const HISTOGRAM_SERIES_SUFFIX = /_(bucket|sum|count)$/;

/** The metric families `exprs` select, sorted: histogram series counted under their family's name. */
export function metricFamiliesIn(exprs: readonly string[]): string[] {
  const families = exprs.flatMap(metricNamesIn).map((name) => name.replace(HISTOGRAM_SERIES_SUFFIX, ''));
  return [...new Set(families)].sort();
}

/** Every metric family the dashboard and the alert rules query, sorted: what the services must export. */
export function referencedMetrics(): string[] {
  return metricFamiliesIn([
    ...dashboardQueries(heraldDeliveryDashboard()).map((query) => query.expr),
    ...alertRuleGroups.flatMap((group) => group.rules.map((rule) => rule.expr)),
  ]);
}
