import { Injectable } from '@nestjs/common';
import { DeliveryControl } from '@herald/deliveries';
import { EventCatalog } from '@herald/events';
import { DeliveryRepository, EmailChannelRepository, WebhookRepository, type DeliveryAttemptEntity, type DeliveryEntity, type Page } from '@herald/persistence';
import { ProblemError } from '../problems/problem';
import type { AttemptView, DeliveryLogQuery, DeliverySummaryView, DeliveryView } from './delivery.schemas';

/** The delivery log of one org, and sending one delivery again. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly webhooks: WebhookRepository,
    private readonly channels: EmailChannelRepository,
    private readonly control: DeliveryControl,
    private readonly catalog: EventCatalog,
  ) {}

  async listForWebhook(orgId: string, webhookId: string, query: DeliveryLogQuery): Promise<Page<DeliverySummaryView>> {
    if (!(await this.webhooks.findForOrg(orgId, webhookId))) throw ProblemError.notFound('webhook', webhookId);
    return this.listForDestination(orgId, webhookId, query);
  }

  async listForEmailChannel(orgId: string, channelId: string, query: DeliveryLogQuery): Promise<Page<DeliverySummaryView>> {
    if (!(await this.channels.findForOrg(orgId, channelId))) throw ProblemError.notFound('email channel', channelId);
    return this.listForDestination(orgId, channelId, query);
  }

  listForOrg(orgId: string, query: DeliveryLogQuery): Promise<Page<DeliverySummaryView>> {
    return this.listForDestination(orgId, undefined, query);
  }

  /** A destination's (or, without one, every destination's) deliveries, newest first, each with its latest attempt. */
  private async listForDestination(orgId: string, destinationId: string | undefined, query: DeliveryLogQuery): Promise<Page<DeliverySummaryView>> {
    const page = await this.deliveries.listPage(
      {
        orgId,
        destinationId,
        status: query.status,
        eventType: query.event_type && this.catalog.namesOf(query.event_type),
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      },
      { limit: query.limit, after: query.cursor },
    );
    const latest = await this.deliveries.latestAttempts(page.items.map((d) => d.id));
    return { items: page.items.map((d) => ({ ...deliveryFields(d), last_attempt: latest.has(d.id) ? attemptView(latest.get(d.id)!) : null })), next: page.next };
  }

  async get(orgId: string, id: string): Promise<DeliveryView> {
    const stored = await this.deliveries.findWithEvent(id);
    const delivery = stored?.delivery ?? (await this.find(orgId, id));
    if (delivery.orgId !== orgId) throw ProblemError.notFound('delivery', id);
    return { ...deliveryFields(delivery), attempt_log: (await this.deliveries.attempts(id)).map(attemptView), event: stored?.event ?? null };
  }

  /** Sends the delivery once more now, whatever its status, as its next attempt. */
  async retry(orgId: string, id: string): Promise<{ attempt: number }> {
    await this.find(orgId, id);
    const job = await this.control.retry(id);
    return { attempt: job.attempt };
  }

  private async find(orgId: string, id: string): Promise<DeliveryEntity> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery || delivery.orgId !== orgId) throw ProblemError.notFound('delivery', id);
    return delivery;
  }
}

function deliveryFields(d: DeliveryEntity): Omit<DeliveryView, 'attempt_log' | 'event'> {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.eventType,
    destination: { kind: d.destinationKind as 'webhook' | 'email', id: d.destinationId },
    status: d.status,
    attempts: d.attempts,
    last_attempt_at: d.lastAttemptAt?.toISOString() ?? null,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

function attemptView(a: DeliveryAttemptEntity): AttemptView {
  return {
    attempt: a.attempt,
    attempted_at: a.attemptedAt.toISOString(),
    succeeded: a.succeeded,
    status_code: a.statusCode,
    latency_ms: a.latencyMs,
    response_body: a.responseBody,
    error: a.error,
  };
}
