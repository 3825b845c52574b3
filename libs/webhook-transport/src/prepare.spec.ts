import { createHmac } from 'node:crypto';
import { TemplateEvaluationError } from '@herald/formatters';
import { verifyWebhook } from '@herald/signing';
import type { DeliveryJob } from '@herald/deliveries';
import { prepareRequest, type WebhookTarget } from './prepare';

const job: DeliveryJob = {
  delivery_id: 'msg_abc',
  attempt: 2,
  destination: { kind: 'webhook', id: 'wh_1' },
  event: { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: 'prj_1', occurred_at: '2026-01-01T00:00:00Z', created_at: '2026-01-01T00:00:01Z', data: { environment: 'production', b: 1, a: 2 } },
};
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const target = (over: Partial<WebhookTarget> = {}): WebhookTarget => ({ id: 'wh_1', url: 'https://example.com/h', format: 'raw', signingScheme: 'standard', timeoutMs: 1000, secrets: [secret], ...over });
const options = { headerPrefix: 'X-Herald-', userAgent: 'Herald/1.0.0', definition: { type: 'deploy.failed', severity: 'failure' as const, category: 'deployments' } };

describe('prepareRequest', () => {
  it('signs the canonical envelope for raw webhooks', async () => {
    const request = await prepareRequest(job, target(), options);
    expect(request.body).toBe('{"created_at":"2026-01-01T00:00:01Z","data":{"a":2,"b":1,"environment":"production"},"id":"evt_1","org_id":"org_1","project_id":"prj_1","type":"deploy.failed"}');
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Herald/1.0.0', 'X-Herald-Event': 'deploy.failed', 'webhook-id': 'msg_abc' });
    expect(verifyWebhook({ scheme: 'standard', secret, headers: request.headers, body: request.body })).toBe(true);
  });

  it('sends the same bytes on every attempt', async () => {
    expect((await prepareRequest({ ...job, attempt: 5 }, target(), options)).body).toBe((await prepareRequest(job, target(), options)).body);
  });

  it('sends chat formats unsigned, with the stable id', async () => {
    for (const format of ['slack', 'teams', 'discord'] as const) {
      const request = await prepareRequest(job, target({ format }), options);
      expect(Object.keys(request.headers).sort()).toEqual(['X-Herald-Event', 'content-type', 'user-agent', 'webhook-id']);
      expect(() => JSON.parse(request.body)).not.toThrow();
    }
  });

  it("shapes the body with the template, canonically, and signs exactly those bytes under the webhook's header names", async () => {
    const request = await prepareRequest(
      job,
      target({
        signingScheme: 'hmac-sha256',
        secrets: ['my-shared-secret-1'],
        template: '{ "z": data.environment, "event": type }',
        headerNames: { signature: 'X-Versioner-Signature', event: 'X-Versioner-Event' },
        staticHeaders: [{ name: 'X-Tenant', value: 't1' }],
      }),
      options,
    );
    expect(request.body).toBe('{"event":"deploy.failed","z":"production"}');
    expect(request.headers['X-Versioner-Signature']).toBe(`sha256=${createHmac('sha256', 'my-shared-secret-1').update(request.body).digest('hex')}`);
    expect(request.headers).toMatchObject({ 'X-Versioner-Event': 'deploy.failed', 'X-Tenant': 't1' });
    expect(request.headers).not.toHaveProperty('X-Herald-Event');
  });

  it('never lets a static header replace one of its own', async () => {
    const request = await prepareRequest(job, target({ staticHeaders: [{ name: 'webhook-id', value: 'forged' }] }), options);
    expect(request.headers['webhook-id']).toBe('msg_abc');
  });

  it('rejects with TemplateEvaluationError when the template fails on the event', async () => {
    await expect(prepareRequest(job, target({ template: '$error("no")' }), options)).rejects.toThrow(TemplateEvaluationError);
  });

  it('sends the incident formats unsigned, with their path and key header, and the dedup key expression when set', async () => {
    const opsgenie = await prepareRequest(
      { ...job, event: { ...job.event, type: 'deploy.succeeded', data: { deployment_id: 'dep 1' } } },
      target({ format: 'opsgenie', url: 'https://api.opsgenie.com/v2/alerts/', integrationKey: 'k1', dedupKey: '"deploy-" & data.deployment_id' }),
      { ...options, definition: { type: 'deploy.succeeded', severity: 'success', category: 'deployments' } },
    );
    expect(opsgenie.url).toBe('https://api.opsgenie.com/v2/alerts/deploy-dep%201/close?identifierType=alias');
    expect(opsgenie.headers).toMatchObject({ authorization: 'GenieKey k1', 'webhook-id': 'msg_abc' });
    expect(opsgenie.headers).not.toHaveProperty('webhook-signature');
    const pagerduty = await prepareRequest(job, target({ format: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue', integrationKey: 'R0123456789abcdef0123456789abcde' }), options);
    expect(pagerduty.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(JSON.parse(pagerduty.body)).toMatchObject({ routing_key: 'R0123456789abcdef0123456789abcde', event_action: 'trigger', dedup_key: 'deployments:production' });
    await expect(prepareRequest(job, target({ format: 'pagerduty', integrationKey: 'x', dedupKey: 'data.none' }), options)).rejects.toThrow(TemplateEvaluationError);
  });
});
