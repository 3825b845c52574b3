import type { EventTypeDefinition, HeraldEvent } from '@herald/events';

/** An accepted event as the senders see it, with data from the seeds' example payloads. */
export const anEvent = (type: string, data: Record<string, unknown>, over: Partial<HeraldEvent> = {}): HeraldEvent => ({
  id: 'evt_01HXMZ8QPK3R5T7V9X1Z3B5C7D',
  type,
  org_id: 'org_123',
  project_id: 'prj_9',
  occurred_at: '2026-05-07T14:23:11Z',
  created_at: '2026-05-07T14:23:11.421Z',
  data,
  ...over,
});

export const definition = (severity: EventTypeDefinition['severity'], category = 'deployments'): Pick<EventTypeDefinition, 'severity' | 'category'> => ({ severity, category });

/** Seed 002: a deployment.succeeded event from the OEC.sh public API. */
export const oecDeployment = (type = 'deployment.failed', extra: Record<string, unknown> = {}) =>
  anEvent(type, {
    deployment: {
      id: 'dep_01HXMZ8QPK3R5T7V9X1Z3B5C7E',
      environment_id: 'env_01HXMZ0K3RJ8QM2P5T7V9X1Z3B',
      git_sha: 'a3f8c2d',
      git_branch: 'main',
      duration_seconds: 83,
      actor: 'github-actions',
    },
    environment: { name: 'production', primary_url: 'https://acme.apps.oec.sh', odoo_version: '18.0' },
    ...extra,
  });

/** Seed 000: automation_rule.failed with the fields its table lists. */
export const automationRuleFailed = () =>
  anEvent('automation_rule.failed', {
    rule_name: 'Deploy main to staging',
    action_type: 'deploy_latest',
    trigger_type: 'push',
    branch: 'main',
    actor: 'alice@example.com',
    error: 'Build step exited with status 1',
    environment: 'staging',
  });

/** Seed 004: a Versioner deployment.completed webhook payload. */
export const versionerDeployment = () =>
  anEvent('deployment.completed', {
    id: 'ac37da84-0891-48ae-9011-6500665804ee',
    deployed_at: '2026-05-24T14:06:05.890103+00:00',
    event_type: 'deployment.completed',
    environment: 'production',
    is_successful: true,
    deployer: 'Phil Austin',
    product_name: 'my-ui',
    version: '1.2.6',
    repo_name: 'versioner-io/versioner-ui',
    commit_sha: 'a3f9c2d1e4b5',
    preflight_status: 'passed',
    source_url: 'https://app.versioner.io/manage/deployments?view=ac37da84-0891-48ae-9011-6500665804ee',
  });

/** An event built to break every limit: 10 KB strings in 100 fields, a huge title and summary. */
export const hugeEvent = (type = 'deploy.failed') => {
  const big = 'x'.repeat(10_000);
  const data: Record<string, unknown> = { environment: `prod-${'e'.repeat(10_000)}`, message: `boom ${big}`, url: 'https://example.com/deploys/1' };
  for (let i = 0; i < 100; i += 1) data[`field_${String(i).padStart(3, '0')}_${'k'.repeat(300)}`] = `${i} ${big}`;
  return anEvent(type, data, { org_id: `org_${'o'.repeat(120)}`, project_id: `prj_${'p'.repeat(120)}` });
};

/** Keys that name members of Object.prototype: in event data they are ordinary keys. Parsed from JSON, so `__proto__` is an own key. */
export const prototypeKeysEvent = (type = 'deploy.failed') =>
  anEvent(
    type,
    JSON.parse(
      '{"constructor":"ctor value","__proto__":{"name":"proto name"},"toString":"to string value","hasOwnProperty":"own value","valueOf":7,' +
        '"nested":{"constructor":{"name":"inner ctor"},"__proto__":"inner proto"},"environment":{"constructor":"prod"}}',
    ) as Record<string, unknown>,
  );

/** `{"a":{"a":…}}` nested `depth` levels, built without recursion. */
export function deeplyNested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let level = root;
  for (let i = 0; i < depth; i++) level = (level.a = {}) as Record<string, unknown>;
  level.leaf = 'bottom';
  return root;
}
