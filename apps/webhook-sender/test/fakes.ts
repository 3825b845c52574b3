import { Registry } from 'prom-client';
import { loadConfig } from '@herald/config';
import { ReplayPacing, type DeliveryJob, type DeliveryOutcomes } from '@herald/deliveries';
import { EventCatalog } from '@herald/events';
import { ConsumerHooks, settling, type DeadLetters, type InboundMessage, type QuarantineFailure } from '@herald/kafka';
import { DeliveryMetrics } from '@herald/observability';
import type { DeliveryRepository, WebhookEntity, WebhookRepository } from '@herald/persistence';
import type { HttpRequest, HttpSender, SendResult } from '@herald/webhook-transport';
import { Admissions } from '../src/delivery/admission';
import { AutoPause } from '../src/delivery/auto-pause';
import { EndpointHealthMetrics } from '../src/delivery/endpoint-health-metrics';
import { KeyOrder } from '../src/delivery/key-order';
import { DeliveryPlacement } from '../src/delivery/placement';
import { RateLimits } from '../src/delivery/rate-limits';
import { Settlement } from '../src/delivery/settlement';
import { Spillover } from '../src/delivery/spillover';
import { WebhookDeliveryService } from '../src/delivery/webhook-delivery.service';
import { WebhookRequests } from '../src/delivery/webhook-requests';
import { Endpoints } from '../src/endpoints/endpoints';

/** A stored webhook as the repository returns it. */
export const aWebhookRow = (over: Partial<WebhookEntity> = {}): WebhookEntity =>
  ({
    id: 'wh_1',
    orgId: 'org_1',
    url: 'https://example.com/hook',
    format: 'raw',
    signingScheme: 'standard',
    timeoutMs: null,
    retrySchedule: ['5s', '30s'],
    clientErrorsFinal: false,
    pausedAt: null,
    consecutiveFailures: 0,
    pauseAfterFailures: 10,
    rateLimit: null,
    ordering: 'key',
    maxInFlight: 16,
    updatedAt: new Date(1),
    ...over,
  }) as WebhookEntity;

/** The webhooks table for one test: rows by id, failure counts that pause at the threshold. */
export class FakeWebhooks {
  readonly rows = new Map<string, WebhookEntity>([['wh_1', aWebhookRow()]]);
  reads = 0;

  async findForDelivery(id: string) {
    this.reads++;
    const webhook = this.rows.get(id);
    return webhook ? { webhook, signingSecrets: ['whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ='] } : null;
  }
  async recordFailure(id: string) {
    const row = this.rows.get(id)!;
    row.consecutiveFailures++;
    if (row.pausedAt || row.consecutiveFailures < row.pauseAfterFailures) return false;
    row.pausedAt = new Date();
    return true;
  }
  async resetFailures(id: string) {
    this.rows.get(id)!.consecutiveFailures = 0;
  }
  async countPaused() {
    return 0;
  }
}

/** Everything the sender asks of the delivery log and the topics, recorded in order. */
export class FakeOutcomes {
  readonly calls: [string, ...unknown[]][] = [];
  readonly held = new Set<string>();

  readonly outcomes = {
    record: (job: DeliveryJob, _format: string, status: string, attempt: { error: string | null }) => {
      this.calls.push(['record', job.delivery_id, status, attempt.error]);
      return settling(Promise.resolve());
    },
    scheduleRetry: async (job: DeliveryJob, _topic: string, delayMs: number) => void this.calls.push(['retry', job.delivery_id, delayMs]),
    defer: async (job: DeliveryJob) => void this.calls.push(['defer', job.delivery_id]),
    spill: async (job: DeliveryJob, seq: number | undefined, _topic: string, delayMs: number) => void this.calls.push(['spill', job.delivery_id, seq, delayMs]),
    holdBack: async (job: DeliveryJob, _topic: string, delayMs: number) => void this.calls.push(['holdBack', job.delivery_id, delayMs]),
    exhaust: async (job: DeliveryJob, reason: string) => void this.calls.push(['exhaust', job.delivery_id, reason]),
    fail: async (job: DeliveryJob, error: string) => void this.calls.push(['record', job.delivery_id, 'failed', error]),
    emit: async (_job: DeliveryJob, type: string) => void this.calls.push(['emit', type]),
    startMetricsAtZero: () => undefined,
  } as unknown as DeliveryOutcomes;

  readonly deadLetters = {
    quarantine: async (message: InboundMessage, failure: QuarantineFailure) => void this.calls.push(['quarantine', failure.reason, message.offset]),
  } as unknown as DeadLetters;

  readonly deliveries = {
    holdIfPaused: async (ref: { id: string }) => {
      if (!this.held.has('paused')) return false;
      this.held.add(ref.id);
      return true;
    },
    countHeld: async () => 0,
  } as unknown as DeliveryRepository;

  of(kind: string) {
    return this.calls.filter(([name]) => name === kind);
  }
}

/** The whole sender with fakes at its edges: webhooks table, delivery log and topics, and the network. */
export function aSender(env: Record<string, string> = {}) {
  const config = loadConfig({ HERALD_ENDPOINT_SPILL_DELAY: '5s', ...env });
  const webhooks = new FakeWebhooks();
  const fakes = new FakeOutcomes();
  const sent: HttpRequest[] = [];
  let answer: (request: HttpRequest) => Promise<SendResult> = async () => ({ kind: 'response', statusCode: 204, latencyMs: 1, body: '', retryAfterMs: 0 });
  const http = { post: (request: HttpRequest) => (sent.push(request), answer(request)) } as unknown as HttpSender;
  const metrics = new DeliveryMetrics(new Registry(), config);
  const endpoints = new Endpoints(webhooks as unknown as WebhookRepository, config);
  const endpointMetrics = new EndpointHealthMetrics(new Registry(), endpoints, webhooks as unknown as WebhookRepository, fakes.deliveries);
  const autoPause = new AutoPause(webhooks as unknown as WebhookRepository, fakes.deliveries, fakes.outcomes, metrics, endpointMetrics);
  const consumerHooks = new ConsumerHooks();
  const placement = new DeliveryPlacement(endpoints, consumerHooks);
  const spillover = new Spillover(fakes.outcomes, endpointMetrics, config, consumerHooks);
  const keyOrder = new KeyOrder(fakes.outcomes, config);
  const admissions = new Admissions(autoPause, new RateLimits(fakes.outcomes, metrics, keyOrder), keyOrder, new ReplayPacing());
  const settlement = new Settlement(fakes.outcomes, fakes.deadLetters, autoPause, metrics, keyOrder, config);
  const service = new WebhookDeliveryService(endpoints, admissions, new WebhookRequests(new EventCatalog(), config), http, settlement);
  return {
    service,
    consumerHooks,
    placement,
    endpoints,
    admissions,
    spillover,
    webhooks,
    fakes,
    sent,
    answerWith: (next: (request: HttpRequest) => Promise<SendResult>) => (answer = next),
  };
}
