import Ajv from 'ajv';
import { anEvent, hugeEvent, oecDeployment } from '../test/events';
import { formatWebhookRequest } from './format';
import { defaultDedupKey, type IncidentDefinition } from './incident';

/**
 * PagerDuty Events API v2, "Send an Alert Event" (developer.pagerduty.com/docs/events-API-v2/
 * trigger-events): routing_key (32 characters), event_action trigger|acknowledge|resolve,
 * dedup_key at most 255 characters; a trigger needs payload.summary (at most 1024 characters),
 * payload.source and payload.severity (critical|error|warning|info); links are {href, text};
 * the whole event under 512 KB.
 */
const pagerDutySchema = {
  type: 'object',
  required: ['routing_key', 'event_action', 'dedup_key'],
  properties: {
    routing_key: { type: 'string', minLength: 32, maxLength: 32 },
    event_action: { enum: ['trigger', 'acknowledge', 'resolve'] },
    dedup_key: { type: 'string', minLength: 1, maxLength: 255 },
    client: { type: 'string' },
    payload: {
      type: 'object',
      required: ['summary', 'source', 'severity'],
      properties: {
        summary: { type: 'string', minLength: 1, maxLength: 1024 },
        source: { type: 'string', minLength: 1 },
        severity: { enum: ['critical', 'error', 'warning', 'info'] },
        timestamp: { type: 'string', format: 'date-time' },
        component: { type: 'string' },
        group: { type: 'string' },
        class: { type: 'string' },
        custom_details: { type: 'object' },
      },
      additionalProperties: false,
    },
    links: { type: 'array', items: { type: 'object', required: ['href'], properties: { href: { type: 'string' }, text: { type: 'string' } }, additionalProperties: false } },
  },
  additionalProperties: false,
  if: { properties: { event_action: { const: 'trigger' } } },
  then: { required: ['payload'] },
};

/**
 * Opsgenie Alert API, "Create Alert" (docs.opsgenie.com/docs/alert-api): message required, at
 * most 130 characters; alias 512; description 15,000; entity 512; source 100; tags at most 20 of
 * 50 characters; details a string map of 8,000 characters in all; priority P1–P5. "Close Alert"
 * takes source, user and note (25,000).
 */
const opsgenieCreateSchema = {
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 130 },
    alias: { type: 'string', maxLength: 512 },
    description: { type: 'string', maxLength: 15_000 },
    entity: { type: 'string', maxLength: 512 },
    source: { type: 'string', maxLength: 100 },
    priority: { enum: ['P1', 'P2', 'P3', 'P4', 'P5'] },
    tags: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 50 } },
    details: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};
const opsgenieCloseSchema = {
  type: 'object',
  properties: { source: { type: 'string', maxLength: 100 }, user: { type: 'string', maxLength: 100 }, note: { type: 'string', maxLength: 25_000 } },
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: true, formats: { 'date-time': true } });
const validPagerDuty = ajv.compile(pagerDutySchema);
const validOpsgenieCreate = ajv.compile(opsgenieCreateSchema);
const validOpsgenieClose = ajv.compile(opsgenieCloseSchema);
const detailsLength = (details: Record<string, string>) => Object.entries(details).reduce((n, [k, v]) => n + k.length + v.length, 0);

const routingKey = 'R0123456789abcdef0123456789abcde';
const failed: IncidentDefinition = { type: 'deployment.failed', severity: 'failure', category: 'deployments' };
const succeeded: IncidentDefinition = { type: 'deployment.succeeded', severity: 'success', category: 'deployments' };
const info: IncidentDefinition = { type: 'deployment.started', severity: 'info', category: 'deployments' };

describe('defaultDedupKey', () => {
  it("ties a failure and its success together by the subject's id (seed 002's deployment id)", () => {
    expect(defaultDedupKey(oecDeployment('deployment.failed'), failed)).toBe('deployments:dep_01HXMZ8QPK3R5T7V9X1Z3B5C7E');
    expect(defaultDedupKey(oecDeployment('deployment.succeeded'), succeeded)).toBe(defaultDedupKey(oecDeployment('deployment.failed'), failed));
    const monitor = (type: string) => anEvent(type, { monitor_id: 'mon_7', monitor_name: 'API' });
    expect(defaultDedupKey(monitor('monitoring_uptime_down'), { severity: 'failure', category: 'monitoring' })).toBe('monitoring:mon_7');
    expect(defaultDedupKey(monitor('monitoring_uptime_recovered'), { severity: 'success', category: 'monitoring' })).toBe('monitoring:mon_7');
    expect(defaultDedupKey(anEvent('deploy_failed', { deployment_id: 'dep-abc123' }), { type: 'deploy.failed', severity: 'failure', category: 'deployments' })).toBe('deployments:dep-abc123');
  });

  it('falls back to the subject name, then the event id, within 255 characters', () => {
    expect(defaultDedupKey(anEvent('rule.failed', { rule: 'align_reads' }), { type: 'rule.failed', severity: 'failure', category: 'workflows' })).toBe('workflows:align_reads');
    expect(defaultDedupKey(anEvent('server.degraded', {}), { severity: 'failure', category: 'infrastructure' })).toBe('infrastructure:evt_01HXMZ8QPK3R5T7V9X1Z3B5C7D');
    expect(defaultDedupKey(anEvent('deploy.failed', { deployment_id: 'd'.repeat(400) }), failed).length).toBe(255);
  });
});

describe('pagerduty format', () => {
  const incident = (event: ReturnType<typeof anEvent>, definition: IncidentDefinition) => ({ integrationKey: routingKey, dedupKey: defaultDedupKey(event, definition) });

  it('triggers on failure and resolves on success with one dedup_key, each a valid Events API v2 event', () => {
    const trigger = formatWebhookRequest('pagerduty', oecDeployment('deployment.failed'), failed, { incident: incident(oecDeployment('deployment.failed'), failed) });
    const resolve = formatWebhookRequest('pagerduty', oecDeployment('deployment.succeeded'), succeeded, { incident: incident(oecDeployment('deployment.succeeded'), succeeded) });
    for (const { body } of [trigger, resolve]) expect(validPagerDuty(body) ? [] : validPagerDuty.errors).toEqual([]);
    expect(trigger.body).toMatchObject({ event_action: 'trigger', routing_key: routingKey, payload: { severity: 'error', summary: 'Deployment failed — production', component: 'production', class: 'deployment.failed' } });
    expect(trigger.body).toMatchObject({ links: [{ href: 'https://acme.apps.oec.sh/' }] });
    expect(resolve.body).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: (trigger.body as { dedup_key: string }).dedup_key, client: 'Herald' });
    expect(trigger.headers).toBeUndefined();
    expect(trigger.path).toBeUndefined();
  });

  it('sends informational events as info triggers, and fits the limits by truncation for a huge event', () => {
    expect((formatWebhookRequest('pagerduty', oecDeployment('deployment.started'), info, { incident: incident(oecDeployment(), info) }).body as { payload: { severity: string } }).payload.severity).toBe('info');
    const huge = hugeEvent();
    const { body } = formatWebhookRequest('pagerduty', huge, failed, { incident: { integrationKey: routingKey, dedupKey: 'k'.repeat(1000) } });
    expect(validPagerDuty(body) ? [] : validPagerDuty.errors).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(512 * 1024);
  });

  it('refuses to format without an integration key', () => {
    expect(() => formatWebhookRequest('pagerduty', oecDeployment(), failed)).toThrow('the pagerduty format needs an integration key and a dedup key');
  });
});

describe('opsgenie format', () => {
  const options = (dedupKey: string) => ({ incident: { integrationKey: 'genie-key-1', dedupKey } });

  it('creates an alert on failure and closes it by the same alias on success, with the GenieKey header', () => {
    const alias = defaultDedupKey(oecDeployment('deployment.failed'), failed);
    const create = formatWebhookRequest('opsgenie', oecDeployment('deployment.failed'), failed, options(alias));
    const close = formatWebhookRequest('opsgenie', oecDeployment('deployment.succeeded'), succeeded, options(defaultDedupKey(oecDeployment('deployment.succeeded'), succeeded)));
    expect(validOpsgenieCreate(create.body) ? [] : validOpsgenieCreate.errors).toEqual([]);
    expect(validOpsgenieClose(close.body) ? [] : validOpsgenieClose.errors).toEqual([]);
    expect(create).toMatchObject({ path: '', headers: { authorization: 'GenieKey genie-key-1' }, body: { alias, priority: 'P2', message: 'Deployment failed — production', entity: 'production' } });
    expect(close).toMatchObject({ path: `/${encodeURIComponent(alias)}/close?identifierType=alias`, headers: { authorization: 'GenieKey genie-key-1' } });
  });

  it('fits every documented limit by truncation for a huge event', () => {
    const { body } = formatWebhookRequest('opsgenie', hugeEvent(), failed, options('a'.repeat(2000)));
    expect(validOpsgenieCreate(body) ? [] : validOpsgenieCreate.errors).toEqual([]);
    expect(detailsLength((body as { details: Record<string, string> }).details)).toBeLessThanOrEqual(8000);
    expect((body as { message: string }).message).toHaveLength(130);
  });
});
