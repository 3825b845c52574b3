import { Inject, Injectable } from '@nestjs/common';
import { HERALD_CONFIG, HERALD_VERSION, type HeraldConfig } from '@herald/config';
import { DeliveryControl, deliveryId, type DeliveryJob } from '@herald/deliveries';
import { EventCatalog, newEventId, type HeraldEvent } from '@herald/events';
import { UnknownWebhookError, WebhookRepository, type WebhookEntity } from '@herald/persistence';
import { classifyAttempt, HttpSender, prepareRequest, webhookTarget } from '@herald/webhook-transport';
import { ProblemError } from '../problems/problem';
import type { WebhookTestResult } from './webhook.schemas';
import { WebhooksService } from './webhooks.service';

/** What an operator does to a webhook beyond editing it: send a test ping, pause it, resume it after a pause. */
@Injectable()
export class WebhookActionsService {
  private readonly userAgent = `Herald/${HERALD_VERSION}`;

  constructor(
    private readonly webhooksService: WebhooksService,
    private readonly webhooks: WebhookRepository,
    private readonly http: HttpSender,
    private readonly control: DeliveryControl,
    private readonly catalog: EventCatalog,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  /**
   * Sends a `ping` the way deliveries go (same formatting, signatures, SSRF guard and outcome
   * rules) and reports the receiver's answer. It is not retried and not logged as a delivery.
   */
  async test(orgId: string, id: string): Promise<WebhookTestResult> {
    const webhook = await this.webhooksService.get(orgId, id);
    const now = new Date().toISOString();
    const event: HeraldEvent = {
      id: newEventId(),
      type: 'ping',
      org_id: orgId,
      project_id: null,
      occurred_at: now,
      created_at: now,
      data: { webhook_id: webhook.id, message: 'Test delivery from Herald: this endpoint is reachable.' },
    };
    const job: DeliveryJob = { delivery_id: deliveryId(event, webhook.id), attempt: 1, destination: { kind: 'webhook', id: webhook.id }, event };
    const target = webhookTarget(webhook, await this.webhooks.signingSecrets(webhook.id), this.config.HERALD_WEBHOOK_TIMEOUT_MS);
    const request = prepareRequest(job, target, { headerPrefix: this.config.HERALD_HEADER_PREFIX, userAgent: this.userAgent, definition: this.catalog.get('ping') });
    const result = await this.http.post(request);
    const outcome = classifyAttempt(result, webhook.clientErrorsFinal);
    return {
      ok: outcome.kind === 'delivered',
      status_code: result.kind === 'response' ? result.statusCode : null,
      round_trip_ms: result.latencyMs,
      ...(outcome.kind === 'delivered' ? {} : { error: outcome.reason }),
      ...(result.kind === 'response' ? { response_body: result.body } : {}),
    };
  }

  /** Holds the webhook's new deliveries (in the log, as held) until it is resumed; nothing is dropped. */
  async pause(orgId: string, id: string): Promise<WebhookEntity> {
    await this.webhooksService.get(orgId, id);
    await this.webhooks.pause(id);
    return this.webhooksService.get(orgId, id);
  }

  /** Unpauses the webhook and replays, oldest first, the deliveries held while it was paused. */
  async resume(orgId: string, id: string): Promise<{ replayed: number }> {
    await this.webhooksService.get(orgId, id);
    try {
      return await this.control.resume(id);
    } catch (error) {
      // Deleted between the check and the resume.
      if (error instanceof UnknownWebhookError) throw ProblemError.notFound('webhook', id);
      throw error;
    }
  }
}
