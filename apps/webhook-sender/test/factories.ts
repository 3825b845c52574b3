import type { DeliveryJob } from '@herald/deliveries';
import type { BreakerPolicy } from '../src/endpoints/breaker';
import { Endpoint, type WebhookSettings } from '../src/endpoints/endpoint';

/** Shared by the sender's unit specs: a job, a webhook's settings, an endpoint, with only what a test cares about given. */

export const anEvent = { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: {} };

export const aJob = (n = 1, over: Partial<DeliveryJob> = {}): DeliveryJob => ({
  delivery_id: `msg_${n}`,
  attempt: 1,
  destination: { kind: 'webhook', id: 'wh_1' },
  event: anEvent,
  ...over,
});

export const someSettings = (over: Partial<WebhookSettings> = {}): WebhookSettings => ({
  id: 'wh_1',
  url: 'https://example.com/hook',
  format: 'raw',
  signingScheme: 'standard',
  timeoutMs: 10_000,
  secrets: ['whsec_dGVzdA=='],
  orgId: 'org_1',
  retrySchedule: ['5s', '30s'],
  clientErrorsFinal: false,
  paused: false,
  consecutiveFailures: 0,
  pauseAfterFailures: 10,
  rateLimit: null,
  ordering: 'key',
  maxInFlight: 16,
  version: 1,
  ...over,
});

export const aBreakerPolicy = (over: Partial<BreakerPolicy> = {}): BreakerPolicy => ({
  consecutiveFailures: 3,
  errorPercent: 50,
  volume: 10,
  windowMs: 60_000,
  resetMs: 30_000,
  ...over,
});

export const anEndpoint = (settings: Partial<WebhookSettings> = {}, now = 0, policy: Partial<BreakerPolicy> = {}): Endpoint =>
  new Endpoint(someSettings(settings), aBreakerPolicy(policy), now, () => undefined);

/** What an HTTP attempt can come back with. */
export const answered = (statusCode = 200) => ({ kind: 'response' as const, statusCode, latencyMs: 5, body: '', retryAfterMs: 0 });
export const timedOut = () => ({ kind: 'error' as const, latencyMs: 10_000, error: 'timed out after 10000 ms', timedOut: true });

/** A consumed message on the deliveries topic, as the controller receives it: by default bytes nobody reads again (the service only reads its offset and passes its bytes on). */
export const aMessage = (job: DeliveryJob, offset = 0, value: Buffer = Buffer.from(`the job of ${job.delivery_id}`)) => ({
  topic: 'herald.deliveries.webhook.v1',
  partition: 0,
  offset: String(offset),
  key: job.destination.id,
  value,
  headers: {},
  timestamp: '0',
  receivedAt: 0,
});

/** The same with the job's own bytes, for what parses them (the overflow hook). */
export const aJobMessage = (job: DeliveryJob, offset = 0) => aMessage(job, offset, Buffer.from(JSON.stringify(job)));
