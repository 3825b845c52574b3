import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { counter, sampledGauge } from '@herald/observability';
import { DeliveryRepository, WebhookRepository } from '@herald/persistence';
import { Endpoints } from '../endpoints/endpoints';

/**
 * How endpoints are doing as a whole: breakers opened here and open now (per process), deliveries that left their
 * partition because their endpoint had too many queued, and from Postgres the webhooks paused and the deliveries
 * held for them (the same figure from every replica; dashboards take the max). No per-endpoint labels: the delivery
 * log has those.
 */
@Injectable()
export class EndpointHealthMetrics {
  readonly autoPaused;
  readonly spilled;

  constructor(registry: Registry, endpoints: Endpoints, webhooks: WebhookRepository, deliveries: DeliveryRepository) {
    const opened = counter(registry, 'herald_circuit_breakers_opened_total', 'Endpoint circuit breakers that opened.');
    endpoints.onOpen(() => opened.inc());
    sampledGauge(registry, 'herald_circuit_breakers_open', 'Endpoints whose breaker is not closed in this process right now: open, or half-open between probes.', [], async () => [{ labels: {}, value: endpoints.openCount() }], { cacheMs: 0 });
    this.autoPaused = counter(registry, 'herald_webhooks_paused_total', 'Webhooks paused automatically after consecutive failures.');
    this.spilled = counter(registry, 'herald_deliveries_spilled_total', 'Deliveries that left their partition for a while because their endpoint had too many queued.');
    sampledGauge(registry, 'herald_paused_webhooks', 'Webhooks paused now.', [], async () => [{ labels: {}, value: await webhooks.countPaused() }]);
    sampledGauge(registry, 'herald_held_deliveries', 'Deliveries held until their paused webhook is resumed.', [], async () => [{ labels: {}, value: await deliveries.countHeld() }]);
  }
}
