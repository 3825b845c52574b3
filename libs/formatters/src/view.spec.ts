import { BUILTIN_EVENT_TYPES } from '@herald/events';
import { anEvent, automationRuleFailed, definition, oecDeployment, versionerDeployment } from '../test/events';
import { describeEvent, eventLink, eventSummary, eventTitle, humanizeEventType, readableTime } from './view';

describe('eventTitle', () => {
  it.each([
    ['deploy.failed', { environment: 'production' }, 'Deployment failed — production'],
    ['deploy_failed', { application_name: 'MyApp' }, 'Deployment failed — MyApp'],
    ['automation_rule.failed', { rule_name: 'Nightly', environment: 'staging' }, 'Automation rule failed — Nightly'],
    ['environment.status_changed', { environment: { name: 'qa' } }, 'Environment status changed — qa'],
    ['monitoring_uptime_down', { domain: 'api.example.com' }, 'Uptime down — api.example.com'],
    ['monitoring_ssl_expiring', { domain: 'example.com' }, 'SSL certificate expiring — example.com'],
    ['scheduled_op_auto_paused', { operation_name: 'Backup' }, 'Scheduled operation auto-paused — Backup'],
    ['security_ip_conflict', { server: 'web-1' }, 'Security IP conflict — web-1'],
    ['incident_created', { title: 'API latency' }, 'Incident created — API latency'],
    ['rule.failed', { workflow: 'variant-calling', rule: 'align_reads' }, 'Rule failed — align_reads'],
    ['workflow.failed', { workflow: 'variant-calling', rule: 'align_reads' }, 'Workflow failed — variant-calling'],
    ['dr.approved', { dr_name: 'Q4 2025 Release', environment_names: ['production'] }, 'Deployment request approved — Q4 2025 Release'],
    ['version.approved', { product_name: 'api-service', version: '2.4.1', environment_name: 'staging' }, 'Version approved — api-service 2.4.1'],
    ['ping', {}, 'Test notification'],
    ['delivery.exhausted', { webhook_id: 'wh_1' }, 'Delivery failed after all retries'],
    ['build.failed', {}, 'Build failed'],
  ])('%s %j → %s', (type, data, title) => {
    expect(eventTitle(anEvent(type, data))).toBe(title);
  });

  it('finds the subject of the seeds’ own payloads', () => {
    expect(eventTitle(oecDeployment())).toBe('Deployment failed — production');
    expect(eventTitle(versionerDeployment())).toBe('Deployment completed — production');
    expect(eventTitle(automationRuleFailed())).toBe('Automation rule failed — Deploy main to staging');
  });

  it('reads every built-in type as words', () => {
    for (const { type } of BUILTIN_EVENT_TYPES) expect(humanizeEventType(type)).toMatch(/^[A-Z][A-Za-z -]+$/);
  });

  it('bounds the subject', () => {
    const title = eventTitle(anEvent('deploy.failed', { environment: 'e'.repeat(1000) }));
    expect(title.length).toBeLessThanOrEqual('Deployment failed — '.length + 200);
    expect(title.endsWith('…')).toBe(true);
  });
});

describe('eventLink', () => {
  it('takes the first well-known URL key, top level before nested', () => {
    expect(eventLink(versionerDeployment())).toEqual({ key: 'source_url', url: 'https://app.versioner.io/manage/deployments?view=ac37da84-0891-48ae-9011-6500665804ee', label: 'View deployment' });
    expect(eventLink(anEvent('dr.approved', { dr_url: 'https://app.versioner.io/deployment-requests/7f3a' }))).toMatchObject({ key: 'dr_url', label: 'View deployment request' });
    expect(eventLink(anEvent('x.y', { logs_url: 'https://l.example/1', html_url: 'https://h.example/1' }))?.key).toBe('html_url');
    expect(eventLink(anEvent('x.y', { deployment: { url: 'https://n.example/1' }, other_url: 'https://o.example/1' }))?.key).toBe('other_url');
    expect(eventLink(oecDeployment())).toEqual({ key: 'environment.primary_url', url: 'https://acme.apps.oec.sh/', label: 'View environment' });
    expect(eventLink(anEvent('incident_created', { link: 'https://status.example/i/1' }))?.label).toBe('View details');
  });

  it('falls back to any *_url key and names the button after it', () => {
    expect(eventLink(anEvent('build.failed', { artifacts_url: 'https://ci.example/a/1' }))).toEqual({ key: 'artifacts_url', url: 'https://ci.example/a/1', label: 'View artifacts' });
  });

  it('accepts only http(s) URLs of a sane length', () => {
    expect(eventLink(anEvent('x.y', { url: 'javascript:alert(1)' }))).toBeUndefined();
    expect(eventLink(anEvent('x.y', { url: 'not a url' }))).toBeUndefined();
    expect(eventLink(anEvent('x.y', { url: `https://x.example/${'a'.repeat(3000)}` }))).toBeUndefined();
    expect(eventLink(anEvent('x.y', { url: 42 }))).toBeUndefined();
    expect(eventLink(anEvent('x.y', { name: 'https://looks.like/a-link' }))).toBeUndefined();
    expect(eventLink(anEvent('x.y', { url: 'ftp://x.example/f', link: 'https://ok.example/' }))?.url).toBe('https://ok.example/');
  });
});

describe('eventSummary', () => {
  it('takes the producer’s message, strips HTML (Reoclo bodies) and bounds it', () => {
    expect(eventSummary(anEvent('x.y', { message: " rule 'align_reads' failed with exit code 1 " }))).toEqual({ key: 'message', text: "rule 'align_reads' failed with exit code 1" });
    expect(eventSummary(anEvent('x.y', { body: '<p>Deployment for <b>MyApp</b> succeeded &amp; is live.</p>' }))?.text).toBe('Deployment for MyApp succeeded & is live.');
    expect(eventSummary(anEvent('x.y', { message: 'a < b and c > d' }))?.text).toBe('a < b and c > d');
    expect(eventSummary(anEvent('x.y', { message: 'm'.repeat(5000) }))?.text).toHaveLength(2000);
    expect(eventSummary(anEvent('x.y', { message: 42, error: 'no' }))).toBeUndefined();
  });
});

describe('describeEvent', () => {
  it('takes severity and category from the definition; unknown types read as info', () => {
    expect(describeEvent(oecDeployment(), definition('failure'))).toMatchObject({ severity: 'failure', category: 'deployments' });
    expect(describeEvent(oecDeployment(), undefined)).toMatchObject({ severity: 'info', category: undefined });
  });

  it('does not repeat the summary or the link as fields', () => {
    const view = describeEvent(anEvent('rule.failed', { rule: 'align', message: 'exit 1', url: 'https://x.example/r' }), definition('failure'));
    expect(view.summary).toBe('exit 1');
    expect(view.link?.url).toBe('https://x.example/r');
    expect(view.details.map((d) => d.key)).toEqual(['rule']);
  });

  it('normalises the time and keeps the context', () => {
    const view = describeEvent(anEvent('x.y', {}, { occurred_at: '2026-05-07T16:23:11.5+02:00', project_id: null }), undefined, { brand: 'OEC.sh' });
    expect(view).toMatchObject({ occurredAt: '2026-05-07T14:23:11Z', time: '2026-05-07 14:23:11 UTC', orgId: 'org_123', projectId: null, brand: 'OEC.sh' });
    expect(readableTime('yesterday')).toBe('yesterday');
  });
});

describe('describeEvent with an alias', () => {
  it('titles an alias as its type when the definition names it', () => {
    const event = anEvent('RuleFailed', { workflow: 'variant-calling', rule: 'align_reads', message: 'exit 1' });
    expect(describeEvent(event, { type: 'rule.failed', severity: 'failure', category: 'workflows' }).title).toBe('Rule failed — align_reads');
    expect(describeEvent({ ...event, type: 'rule.failed' }, definition('failure', 'workflows')).title).toBe('Rule failed — align_reads');
  });
});
