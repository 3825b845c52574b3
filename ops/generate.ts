// `npm run ops:generate`: writes the files built from ops/ (the dashboard JSON, the alert rules for Prometheus and
// for the Prometheus Operator). They are committed; ops/test checks they match what this produces.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { heraldDeliveryDashboard } from './grafana/dashboard';
import { prometheusRuleFile, prometheusRuleManifest } from './prometheus/alerts';

export const DASHBOARD_FILE = 'ops/grafana/dashboards/herald-delivery.json';
export const RULE_FILE = 'ops/prometheus/herald-alerts.yml';
export const PROMETHEUS_RULE_MANIFEST = 'k8s/components/monitoring/prometheusrule.yaml';

/** Each generated file, by its path from the repository root, with its content. */
export function generatedFiles(): Record<string, string> {
  return {
    [DASHBOARD_FILE]: `${JSON.stringify(heraldDeliveryDashboard(), null, 2)}\n`,
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
