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
const options = { headerPrefix: 'X-Herald-', userAgent: 'Herald/1.0.0', definition: { severity: 'failure' as const, category: 'deployments' } };

describe('prepareRequest', () => {
  it('signs the canonical envelope for raw webhooks', () => {
    const request = prepareRequest(job, target(), options);
    expect(request.body).toBe('{"created_at":"2026-01-01T00:00:01Z","data":{"a":2,"b":1,"environment":"production"},"id":"evt_1","org_id":"org_1","project_id":"prj_1","type":"deploy.failed"}');
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Herald/1.0.0', 'X-Herald-Event': 'deploy.failed', 'webhook-id': 'msg_abc' });
    expect(verifyWebhook({ scheme: 'standard', secret, headers: request.headers, body: request.body })).toBe(true);
  });

  it('sends the same bytes on every attempt', () => {
    expect(prepareRequest({ ...job, attempt: 5 }, target(), options).body).toBe(prepareRequest(job, target(), options).body);
  });

  it('sends chat formats unsigned, with the stable id', () => {
    for (const format of ['slack', 'teams', 'discord'] as const) {
      const request = prepareRequest(job, target({ format }), options);
      expect(Object.keys(request.headers).sort()).toEqual(['X-Herald-Event', 'content-type', 'user-agent', 'webhook-id']);
      expect(() => JSON.parse(request.body)).not.toThrow();
    }
  });
});
