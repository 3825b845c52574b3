import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { counter, sampledGauge } from '@herald/observability';
import { DeliveryRepository, WebhookRepository } from '@herald/persistence';
import { EndpointBreakers } from './endpoint-breakers';

/**
 * How endpoints are doing as a whole: breakers opened here and open now (per process), and
 * from Postgres the webhooks paused and the deliveries held for them (the same figure from
 * every replica; dashboards take the max). No per-endpoint labels: the delivery log has those.
 */
@Injectable()
export class EndpointHealthMetrics {
  readonly autoPaused;

  constructor(registry: Registry, breakers: EndpointBreakers, webhooks: WebhookRepository, deliveries: DeliveryRepository) {
    const opened = counter(registry, 'herald_circuit_breakers_opened_total', 'Endpoint circuit breakers that opened.');
    breakers.onOpen(() => opened.inc());
    sampledGauge(registry, 'herald_circuit_breakers_open', 'Endpoints failing fast in this process right now.', [], async () => [{ labels: {}, value: breakers.openCount() }], { cacheMs: 0 });
    this.autoPaused = counter(registry, 'herald_webhooks_paused_total', 'Webhooks paused automatically after consecutive failures.');
    sampledGauge(registry, 'herald_paused_webhooks', 'Webhooks paused now.', [], async () => [{ labels: {}, value: await webhooks.countPaused() }]);
    sampledGauge(registry, 'herald_held_deliveries', 'Deliveries held until their paused webhook is resumed.', [], async () => [{ labels: {}, value: await deliveries.countHeld() }]);
  }
}
