import { anEvent, automationRuleFailed, oecDeployment, versionerDeployment } from '../test/events';
import { extractKeyDetails, formatDuration } from './details';

const pairs = (details: Array<{ label: string; value: string }>) => details.map((d) => [d.label, d.value]);

describe('extractKeyDetails', () => {
  it('shows seed 000 automation-rule fields, rule first, with readable labels', () => {
    expect(pairs(extractKeyDetails(automationRuleFailed()))).toEqual([
      ['Rule', 'Deploy main to staging'],
      ['Environment', 'staging'],
      ['Action', 'deploy_latest'],
      ['Trigger', 'push'],
      ['Branch', 'main'],
      ['Actor', 'alice@example.com'],
      ['Error', 'Build step exited with status 1'],
    ]);
  });

  it('flattens nested objects one level: a nested name stands for its parent, ids go last', () => {
    expect(extractKeyDetails(oecDeployment())).toEqual([
      { key: 'environment.name', label: 'Environment', value: 'production' },
      { key: 'deployment.git_branch', label: 'Branch', value: 'main' },
      { key: 'deployment.git_sha', label: 'Commit', value: 'a3f8c2d' },
      { key: 'deployment.actor', label: 'Actor', value: 'github-actions' },
      { key: 'deployment.duration_seconds', label: 'Duration', value: '1m 23s' },
      { key: 'environment.primary_url', label: 'Environment primary URL', value: 'https://acme.apps.oec.sh' },
      { key: 'environment.odoo_version', label: 'Environment odoo version', value: '18.0' },
      { key: 'deployment.id', label: 'Deployment ID', value: 'dep_01HXMZ8QPK3R5T7V9X1Z3B5C7E' },
      { key: 'deployment.environment_id', label: 'Deployment environment ID', value: 'env_01HXMZ0K3RJ8QM2P5T7V9X1Z3B' },
    ]);
  });

  it('leaves out echoes of the envelope and keeps the rest of a Versioner payload', () => {
    const labels = extractKeyDetails(versionerDeployment()).map((d) => d.label);
    expect(labels).not.toContain('Event type');
    expect(labels.slice(0, 7)).toEqual(['Environment', 'Product', 'Version', 'Commit', 'Repository', 'Deployed by', 'Deployed at']);
    expect(labels[labels.length - 1]).toBe('ID');
    const other = anEvent('delivery.exhausted', { event_type: 'deploy.failed', occurred_at: '2020-01-01T00:00:00Z' });
    expect(pairs(extractKeyDetails(other))).toEqual([['Event type', 'deploy.failed'], ['Occurred at', '2020-01-01T00:00:00Z']]);
  });

  it('stringifies values: booleans, numbers, durations, lists, deeper objects as JSON', () => {
    const event = anEvent('x.y', {
      is_successful: false,
      exit_code: 1,
      elapsed_ms: 1500,
      environment_names: ['production', 'eu-west'],
      details: { stderr: 'bwa: command not found', limits: { cpu: 2 }, steps: [{ n: 1 }] },
      skipped: null,
      blank: '   ',
      empty: [],
      nothing: {},
    });
    expect(pairs(extractKeyDetails(event))).toEqual([
      ['Environments', 'production, eu-west'],
      ['Exit code', '1'],
      ['Is successful', 'no'],
      ['Elapsed ms', '1.5s'],
      ['Details stderr', 'bwa: command not found'],
      ['Details limits', '{"cpu":2}'],
      ['Details steps', '[{"n":1}]'],
    ]);
  });

  it('bounds every value with the truncation marker', () => {
    const [detail] = extractKeyDetails(anEvent('x.y', { error: 'e'.repeat(10_000) }), { maxValueLength: 100 });
    expect(detail.value).toHaveLength(100);
    expect(detail.value.endsWith('…')).toBe(true);
    expect(extractKeyDetails(anEvent('x.y', { error: 'e'.repeat(10_000) }))[0].value).toHaveLength(1000);
  });

  it('shows a repeated label once when the value is the same, and names the path when it differs', () => {
    const event = anEvent('x.y', { environment: 'production', environment_name: 'production', actor: 'alice', deployment: { actor: 'bot' } });
    expect(pairs(extractKeyDetails(event))).toEqual([
      ['Environment', 'production'],
      ['Actor', 'alice'],
      ['Deployment actor', 'bot'],
    ]);
  });

  it('omits the keys it is told to and stops at maxDetails', () => {
    const event = automationRuleFailed();
    expect(extractKeyDetails(event, { omitKeys: ['rule_name', 'error'] }).map((d) => d.key)).toEqual(['environment', 'action_type', 'trigger_type', 'branch', 'actor']);
    expect(extractKeyDetails(event, { maxDetails: 2 }).map((d) => d.key)).toEqual(['rule_name', 'environment']);
  });

  it('reads camelCase keys like snake_case ones and never yields an empty label', () => {
    expect(pairs(extractKeyDetails(anEvent('x.y', { ruleName: 'nightly', gitBranch: 'main', '': 'v' })))).toEqual([
      ['Rule', 'nightly'],
      ['Branch', 'main'],
      ['Field', 'v'],
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [4.25, '4.3s'],
    [83, '1m 23s'],
    [3600, '1h 0m'],
    [7384, '2h 3m'],
  ])('%s seconds → %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});
