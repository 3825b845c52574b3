// `npm run ops:generate`: writes the files built from ops/ (the dashboard JSON and its ConfigMap, the alert rules for
// Prometheus and for the Prometheus Operator). They are committed; ops/test checks they match what this produces.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { heraldDeliveryDashboard } from './grafana/dashboard';
import { generatedYaml } from './generated-yaml';
import { prometheusRuleFile, prometheusRuleManifest } from './prometheus/alerts';

export const DASHBOARD_FILE = 'ops/grafana/dashboards/herald-delivery.json';
export const RULE_FILE = 'ops/prometheus/herald-alerts.yml';
export const PROMETHEUS_RULE_MANIFEST = 'k8s/components/monitoring/prometheusrule.yaml';
export const DASHBOARD_MANIFEST = 'k8s/components/monitoring/grafana-dashboard.yaml';

/**
 * The dashboard as a ConfigMap for Grafana's dashboard sidecar (kube-prometheus-stack and the Grafana Helm chart
 * import every ConfigMap labelled grafana_dashboard=1). Kustomize cannot read ops/ from k8s/, hence the copy.
 */
function dashboardConfigMap(json: string): string {
  return generatedYaml('ops/grafana/dashboard.ts', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'herald-grafana-dashboard', labels: { 'app.kubernetes.io/part-of': 'herald', grafana_dashboard: '1' } },
    data: { [path.basename(DASHBOARD_FILE)]: json },
  });
}

/** Each generated file, by its path from the repository root, with its content. */
export function generatedFiles(): Record<string, string> {
  const dashboard = `${JSON.stringify(heraldDeliveryDashboard(), null, 2)}\n`;
  return {
    [DASHBOARD_FILE]: dashboard,
    [DASHBOARD_MANIFEST]: dashboardConfigMap(dashboard),
    [RULE_FILE]: prometheusRuleFile(),
    [PROMETHEUS_RULE_MANIFEST]: prometheusRuleManifest(),
  };
}

if (require.main === module) {
  // Compiled to dist/ops/generate.js, two levels below the repository root.
  const root = path.resolve(__dirname, '..', '..');
  for (const [file, content] of Object.entries(generatedFiles())) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${file}`);
  }
}
