import type { HeraldEvent } from '@herald/events';
import { renderEmail, SEVERITY_COLOURS, type EmailContent } from './render';

const event = (type: string, data: Record<string, unknown> = {}, over: Partial<HeraldEvent> = {}): HeraldEvent => ({
  id: 'evt_01JTEST',
  type,
  org_id: 'org_1',
  project_id: 'prj_9',
  occurred_at: '2026-05-07T14:23:11Z',
  created_at: '2026-05-07T14:23:12Z',
  data,
  ...over,
});

const render = (e: HeraldEvent, over: Partial<EmailContent> = {}) =>
  renderEmail({ event: e, severity: 'failure', settingsUrl: 'https://app.example.com/settings/notifications?channel=ec_1', ...over });

/** The rows of the key-details table, as [label, value] text. */
const tableRows = (html: string) => [...html.matchAll(/<th[^>]*>([^<]*)<\/th>\s*<td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);

describe('renderEmail', () => {
  it('names the event and what it is about in the subject', () => {
    expect(render(event('deploy.failed', { environment: 'production' })).subject).toBe('Deployment failed — production');
    expect(render(event('deployment.completed', { product_name: 'my-ui', environment: 'production' })).subject).toBe('Deployment completed — my-ui · production');
    expect(render(event('automation_rule.failed', { rule_name: 'Nightly deploy' })).subject).toBe('Automation rule failed — Nightly deploy');
    expect(render(event('monitoring_ssl_expiring', { domain: 'example.com' })).subject).toBe('Monitoring SSL expiring — example.com');
    expect(render(event('dr.approved', { dr_name: 'Q4 2025 Release', environment_names: ['staging', 'production'] })).subject).toBe(
      'Deployment request approved — Q4 2025 Release · staging, production',
    );
    expect(render(event('deploy.failed')).subject).toBe('Deployment failed');
  });

  it('keeps the subject on one bounded line whatever the event says', () => {
    const { subject } = render(event('deploy.failed', { environment: 'prod\r\nBcc: victim@example.com', product_name: 'x'.repeat(500) }));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('prod Bcc: victim@example.com');
    expect(subject.length).toBeLessThanOrEqual(200);
  });

  it.each(Object.entries(SEVERITY_COLOURS))('colours the header for %s, and only with that colour', (severity, colour) => {
    const { html } = render(event('deploy.failed'), { severity: severity as EmailContent['severity'] });
    expect(html).toContain(`<td bgcolor="${colour}" style="background-color:${colour};`);
    for (const other of Object.values(SEVERITY_COLOURS).filter((c) => c !== colour)) expect(html).not.toContain(other);
  });

  it('lists the key details of an automation rule event (seed 000) in order, then the time', () => {
    const { html } = render(
      event('automation_rule.failed', { rule_name: 'Deploy on push', action_type: 'deploy_latest', trigger_type: 'push', branch: 'main', actor: 'github-actions', error: 'exit code 1' }),
    );
    expect(tableRows(html)).toEqual([
      ['Project', 'prj_9'],
      ['Actor', 'github-actions'],
      ['Branch', 'main'],
      ['Rule', 'Deploy on push'],
      ['Action', 'deploy_latest'],
      ['Trigger', 'push'],
      ['Error', 'exit code 1'],
      ['Time', '2026-05-07 14:23:11 UTC'],
    ]);
  });

  it('shows a deployment (seed 004) with its link and keeps unknown fields after the key details', () => {
    const { html, text } = render(
      event('deployment.completed', {
        product_name: 'my-ui',
        environment: 'production',
        deployer: 'Phil Austin',
        version: '1.2.6',
        commit_sha: 'a3f9c2d1e4b5',
        is_successful: true,
        source_url: 'https://app.versioner.io/manage/deployments?view=ac37',
        nested: { ignored: true },
      }),
      { severity: 'success' },
    );
    expect(tableRows(html)).toEqual([
      ['Product', 'my-ui'],
      ['Project', 'prj_9'],
      ['Environment', 'production'],
      ['Version', '1.2.6'],
      ['Actor', 'Phil Austin'],
      ['Commit', 'a3f9c2d1e4b5'],
      ['Time', '2026-05-07 14:23:11 UTC'],
      ['Is successful', 'true'],
    ]);
    expect(html).toContain('<a href="https://app.versioner.io/manage/deployments?view=ac37"');
    expect(text).toContain('View details: https://app.versioner.io/manage/deployments?view=ac37');
  });

  it('escapes every value from the event in the HTML', () => {
    const { html } = render(
      event('deploy.failed', { environment: '<script>alert(1)</script>', error: `"quoted" & 'single' <b>bold</b>`, '<img src=x>': 'key too' }, { id: 'evt_<i>' }),
      { channelName: '<Ops & "Dev">' },
    );
    expect(html).not.toMatch(/<script|<b>|<img|<i>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &#39;single&#39; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).toContain('&lt;Ops &amp; &quot;Dev&quot;&gt;');
    expect(html).toContain('Event evt_&lt;i&gt;');
  });

  it('links only http(s) sources and escapes the link', () => {
    const linkOf = (url: string) => /<a href="([^"]*)"[^>]*>View details/.exec(render(event('deploy.failed', { source_url: url })).html)?.[1] ?? null;
    expect(linkOf('javascript:alert(1)')).toBeNull();
    expect(linkOf('data:text/html,<script>')).toBeNull();
    expect(linkOf('not a url')).toBeNull();
    expect(linkOf(`https://example.com/a?b="c"&d='e'`)).toBe('https://example.com/a?b=%22c%22&amp;d=%27e%27');
  });

  it('carries no external assets: the only links are the source and the settings page', () => {
    const { html } = render(event('deploy.failed', { source_url: 'https://ci.example.com/run/1' }));
    expect(html).not.toMatch(/\ssrc=|<link|<script|url\(|@import/i);
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      'https://ci.example.com/run/1',
      'https://app.example.com/settings/notifications?channel=ec_1',
    ]);
  });

  it('writes a plain-text alternative with the same facts and no markup', () => {
    const { text } = render(event('deploy.failed', { environment: 'production', actor: 'ci-bot', error: 'exit <1>' }), {
      description: 'A deployment failed.',
      channelName: 'Deploy failures',
    });
    expect(text).toBe(
      [
        'Deployment failed — production',
        '==============================',
        '',
        'A deployment failed.',
        '',
        'Project:     prj_9',
        'Environment: production',
        'Actor:       ci-bot',
        'Error:       exit <1>',
        'Time:        2026-05-07 14:23:11 UTC',
        '',
        '-- ',
        'You receive this because the email channel “Deploy failures” subscribes to deploy.failed events. Manage notification settings: https://app.example.com/settings/notifications?channel=ec_1',
        'Event evt_01JTEST',
        '',
      ].join('\n'),
    );
  });
});
