import type { HeraldConfig } from '@herald/config';
import type { DeliveryJob } from '@herald/deliveries';
import { EventCatalog } from '@herald/events';
import type { WebhookTarget } from '@herald/webhook-transport';
import { WebhookRequests } from './webhook-requests';

const job: DeliveryJob = {
  delivery_id: 'msg_1',
  attempt: 1,
  destination: { kind: 'webhook', id: 'wh_1' },
  event: { id: 'evt_1', type: 'RuleFailed', org_id: 'org_1', project_id: null, occurred_at: '2026-05-18T12:00:00Z', created_at: '2026-05-18T12:00:01Z', data: { workflow: 'variant-calling', rule: 'align_reads' } },
};
const target = (over: Partial<WebhookTarget> = {}): WebhookTarget => ({ id: 'wh_1', url: 'https://example.com/h', format: 'raw', signingScheme: 'github', timeoutMs: 1000, secrets: ['my-shared-secret-1'], ...over });
const requests = new WebhookRequests(new EventCatalog(), { HERALD_HEADER_PREFIX: 'X-Herald-' } as HeraldConfig);

describe('WebhookRequests', () => {
  it('prepares the request, the template seeing the alias as its type', async () => {
    const prepared = await requests.prepare(job, target({ template: '{ "event": type, "type": $canonicalType, "severity": $severity }' }));
    expect(prepared.kind).toBe('request');
    if (prepared.kind === 'request') expect(prepared.request.body).toBe('{"event":"RuleFailed","severity":"failure","type":"rule.failed"}');
  });

  it('answers "unsendable" with the reason when the template fails on the event, so only this delivery fails', async () => {
    expect(await requests.prepare(job, target({ template: '$error("no deployment here")' }))).toEqual({ kind: 'unsendable', reason: expect.stringContaining('no deployment here') });
    expect(await requests.prepare(job, target({ format: 'pagerduty', integrationKey: 'k', dedupKey: 'data.missing' }))).toMatchObject({ kind: 'unsendable', reason: expect.stringContaining('dedup key') });
  });

  it('lets other errors through: they are bugs, not the event’s fault', async () => {
    await expect(requests.prepare(job, target({ secrets: [] }))).rejects.toThrow('at least one secret');
  });
});
