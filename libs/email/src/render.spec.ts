import type { EventTypeDefinition, HeraldEvent, Severity } from '@herald/events';
import { eventTitle } from '@herald/formatters';
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

const definition = (severity: Severity, description = 'A deployment failed.'): Pick<EventTypeDefinition, 'severity' | 'category' | 'description'> => ({ severity, category: 'deployments', description });

const render = (e: HeraldEvent, over: Partial<EmailContent> = {}) =>
  renderEmail({ event: e, definition: definition('failure'), settingsUrl: 'https://app.example.com/settings/notifications?channel=ec_1', ...over });

/** The rows of the key-details table, as [label, value] text. */
const tableRows = (html: string) => [...html.matchAll(/<th[^>]*>([^<]*)<\/th>\s*<td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);

describe('renderEmail', () => {
  it('names the event and what it is about in the subject, as the chat formats title it', () => {
    expect(render(event('deploy.failed', { environment: 'production' })).subject).toBe('Deployment failed — production');
    expect(render(event('automation_rule.failed', { rule_name: 'Nightly deploy', environment: 'staging' })).subject).toBe('Automation rule failed — Nightly deploy');
    expect(render(event('deploy.failed')).subject).toBe('Deployment failed');
    const versioner = event('deployment.completed', { product_name: 'my-ui', environment: 'production' });
    expect(render(versioner).subject).toBe(eventTitle(versioner));
  });

  it('keeps the subject on one bounded line whatever the event says', () => {
    const { subject } = render(event('deploy.failed', { environment: `prod\r\nBcc: victim@example.com ${'x'.repeat(500)}` }));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toMatch(/^Deployment failed — prod Bcc: victim@example\.com x+…$/);
    expect(subject.length).toBeLessThanOrEqual(200);
  });

  it.each(Object.entries(SEVERITY_COLOURS))('colours the header for %s, and only with that colour', (severity, colour) => {
    const { html } = render(event('deploy.failed'), { definition: definition(severity as Severity) });
    expect(html).toContain(`<td bgcolor="${colour}" style="background-color:${colour};`);
    for (const other of Object.values(SEVERITY_COLOURS).filter((c) => c !== colour)) expect(html).not.toContain(other);
  });

  it('reads an event type the catalog does not know as information', () => {
    expect(render(event('custom.thing'), { definition: undefined }).html).toContain(`bgcolor="${SEVERITY_COLOURS.info}"`);
  });

  it('tables the key details of an automation rule event (seed 000), then its project and time', () => {
    const { html } = render(
      event('automation_rule.failed', { rule_name: 'Deploy on push', action_type: 'deploy_latest', trigger_type: 'push', branch: 'main', actor: 'github-actions', error: 'exit code 1' }),
    );
    expect(tableRows(html)).toEqual([
      ['Rule', 'Deploy on push'],
      ['Action', 'deploy_latest'],
      ['Trigger', 'push'],
      ['Branch', 'main'],
      ['Actor', 'github-actions'],
      ['Error', 'exit code 1'],
      ['Project', 'prj_9'],
      ['Time', '2026-05-07 14:23:11 UTC'],
    ]);
  });

  it('shows the producer’s message and a button to the event’s source (seed 004)', () => {
    const { html, text } = render(
      event('deployment.completed', { environment: 'production', message: 'Rolled out to 3 of 3 hosts', source_url: 'https://app.versioner.io/manage/deployments?view=ac37' }),
      { definition: definition('success', 'A deployment completed successfully.') },
    );
    expect(html).toContain('Rolled out to 3 of 3 hosts</p>');
    expect(html).toContain('<a href="https://app.versioner.io/manage/deployments?view=ac37"');
    expect(html).toMatch(/>View deployment<\/a>/);
    expect(text).toContain('\nRolled out to 3 of 3 hosts\n');
    expect(text).toContain('View deployment: https://app.versioner.io/manage/deployments?view=ac37');
  });

  it('escapes every value from the event in the HTML', () => {
    const { html } = render(
      event('deploy.failed', { environment: '<script>alert(1)</script>', error: `"quoted" & 'single' <b>bold</b>`, '<img src=x>': 'key too', message: 'line one\n<i>two</i>' }, { id: 'evt_<i>' }),
      { channelName: '<Ops & "Dev">' },
    );
    expect(html).not.toMatch(/<script|<b>|<img|<i>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &#39;single&#39; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).toContain('line one<br>two');
    expect(html).toContain('&lt;Ops &amp; &quot;Dev&quot;&gt;');
    expect(html).toContain('event evt_&lt;i&gt;');
  });

  it('links only http(s) sources, escaped', () => {
    const linkOf = (url: string) => /<a href="([^"]*)"[^>]*>View/.exec(render(event('deploy.failed', { source_url: url })).html)?.[1] ?? null;
    expect(linkOf('javascript:alert(1)')).toBeNull();
    expect(linkOf('data:text/html,<script>')).toBeNull();
    expect(linkOf(`https://example.com/a?b="c"&d='e'`)).toBe('https://example.com/a?b=%22c%22&amp;d=%27e%27');
  });

  it('carries no external assets: the only links are the source and the settings page', () => {
    const { html } = render(event('deploy.failed', { source_url: 'https://ci.example.com/run/1' }));
    expect(html).not.toMatch(/\ssrc=|<link|<script|url\(|@import/i);
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(['https://ci.example.com/run/1', 'https://app.example.com/settings/notifications?channel=ec_1']);
  });

  it('bounds the table and says how many fields it left out', () => {
    const data = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field_${String(i).padStart(2, '0')}`, `value ${i}`]));
    const { html, text } = render(event('deploy.failed', data));
    const rows = tableRows(html);
    expect(rows).toHaveLength(30);
    expect(rows.at(-1)).toEqual(['Time', '2026-05-07 14:23:11 UTC']);
    expect(html).toContain('12 more fields not shown');
    expect(text).toContain('\n12 more fields not shown\n');
  });

  it('writes a plain-text alternative with the same facts and no markup', () => {
    const { text } = render(event('deploy.failed', { environment: 'production', actor: 'ci-bot', error: 'exit <1>' }), { channelName: 'Deploy failures' });
    expect(text).toBe(
      [
        'Deployment failed — production',
        '==============================',
        '',
        'A deployment failed.',
        '',
        'Environment: production',
        'Actor:       ci-bot',
        'Error:       exit <1>',
        'Project:     prj_9',
        'Time:        2026-05-07 14:23:11 UTC',
        '',
        '-- ',
        'You receive this because the email channel “Deploy failures” subscribes to deploy.failed events. Manage notification settings: https://app.example.com/settings/notifications?channel=ec_1',
        'Sent by Herald · event evt_01JTEST',
        '',
      ].join('\n'),
    );
  });

  it('treats keys named like Object.prototype members as data', () => {
    const data = JSON.parse('{"constructor":"ctor value","__proto__":{"name":"proto name"},"toString":"to string value","hasOwnProperty":"own value"}') as Record<string, unknown>;
    const { html, text } = render(event('constructor.failed', data));
    expect(tableRows(html)).toEqual(expect.arrayContaining([['Constructor', 'ctor value'], ['To string', 'to string value'], ['Has own property', 'own value'], ['Proto', 'proto name']]));
    expect(text).toContain('Constructor failed');
  });

  it('renders data nested thousands of levels deep, elided past the preview depth', () => {
    let deep: Record<string, unknown> = { leaf: 'deepest-value' };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const { html } = render(event('deploy.failed', { deep }));
    expect(html).toContain('{…}');
    expect(html).not.toContain('deepest-value');
  });
});
