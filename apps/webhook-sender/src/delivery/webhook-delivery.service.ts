import { Injectable } from '@nestjs/common';
import type { DeliveryJob } from '@herald/deliveries';
import type { InboundMessage, Settling } from '@herald/kafka';
import { annotate, deliveryAttributes, inSpan, SpanKind, SpanStatusCode } from '@herald/tracing';
import { HttpSender, type HttpRequest, type SendResult } from '@herald/webhook-transport';
import type { Endpoint } from '../endpoints/endpoint';
import { Endpoints } from '../endpoints/endpoints';
import { Admissions } from './admission';
import { Settlement } from './settlement';
import { WebhookRequests, type PreparedRequest } from './webhook-requests';

/**
 * One delivery attempt, top to bottom: get the endpoint → admit (held while paused, at its rate-limit slot) →
 * prepare (format or template, sign) → send through the endpoint's breaker → classify and settle (retry, exhaust or finish,
 * and record). Deliveries beyond the endpoint's queue bound never reach here: they spill (Spillover).
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly endpoints: Endpoints,
    private readonly admissions: Admissions,
    private readonly requests: WebhookRequests,
    private readonly http: HttpSender,
    private readonly settlement: Settlement,
  ) {}

  /** `message` is where the job came from: a job that cannot be prepared is quarantined as it came. */
  async deliver(job: DeliveryJob, message: InboundMessage): Promise<Settling | void> {
    // The endpoint and the admission are mostly known at once: only a promise is awaited (each await is a turn of the
    // microtask queue, per delivery).
    const lookup = this.endpoints.get(job);
    const endpoint = lookup instanceof Promise ? await lookup : lookup;
    if (!endpoint) return this.settlement.gone(job);
    const admission = this.admissions.admit(job, endpoint);
    if ((admission instanceof Promise ? await admission : admission) !== 'send') return;

    let prepared: PreparedRequest;
    try {
      prepared = await this.requests.prepare(job, endpoint.settings);
    } catch (error) {
      return this.settlement.unpreparable(job, endpoint, message, error);
    }
    if (prepared.kind === 'unsendable') return this.settlement.unsendable(job, endpoint, prepared.reason);
    const { request } = prepared;
    const attemptedAt = new Date();
    const sent = await endpoint.send(() => this.attempt(job, endpoint, request));
    if (sent.kind === 'open') {
      annotate({ 'herald.breaker.state': 'open' });
      return this.settlement.breakerOpen(job, endpoint);
    }
    return this.settlement.attempted(job, endpoint, attemptedAt, sent.result);
  }

  /** The request in a span of its own, whose context the request carries as its `traceparent`. */
  private attempt(job: DeliveryJob, endpoint: Endpoint, request: HttpRequest): Promise<SendResult> {
    // Let through an open breaker, this request is its probe.
    const breaker = endpoint.breakerOpen ? 'half_open' : 'closed';
    return inSpan('POST', SpanKind.CLIENT, () => ({ ...deliveryAttributes(job), 'http.request.method': 'POST', 'herald.breaker.state': breaker }), async (span) => {
      const result = await this.http.post(request);
      span.setAttribute('herald.attempt.latency_ms', result.latencyMs);
      if (result.kind === 'response') span.setAttribute('http.response.status_code', result.statusCode);
      else span.setAttribute('error.type', result.kind === 'refused' ? 'refused' : result.timedOut ? 'timeout' : 'connection');
      if (result.kind !== 'response' || result.statusCode >= 300) span.setStatus({ code: SpanStatusCode.ERROR, message: result.kind === 'response' ? `HTTP ${result.statusCode}` : result.error });
      return result;
    });
  }
}
