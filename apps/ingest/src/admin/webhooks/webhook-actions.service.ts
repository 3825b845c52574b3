import { Inject, Injectable } from '@nestjs/common';
import { HERALD_CONFIG, HERALD_VERSION, type HeraldConfig } from '@herald/config';
import { DeliveryControl, deliveryId, type DeliveryJob } from '@herald/deliveries';
import { acceptEvent, EventCatalog, InvalidEventError, newEventId, type HeraldEvent } from '@herald/events';
import { checkTemplate, evaluateTemplate, templateBody, TemplateEvaluationError, TemplateSyntaxError } from '@herald/formatters';
import { canonicalJson } from '@herald/signing';
import { UnknownWebhookError, WebhookRepository, type WebhookEntity } from '@herald/persistence';
import { classifyAttempt, HttpSender, prepareRequest, webhookTarget } from '@herald/webhook-transport';
import { ProblemError } from '../problems/problem';
import type { TemplatePreview, WebhookTestResult } from './webhook.schemas';
import { WebhooksService } from './webhooks.service';
import { wireContractError } from './wire-contract';

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
    let request;
    try {
      request = await prepareRequest(job, target, { headerPrefix: this.config.HERALD_HEADER_PREFIX, userAgent: this.userAgent, definition: this.catalog.get('ping') });
    } catch (error) {
      // The template cannot shape a ping: say so, as a delivery's log would.
      if (error instanceof TemplateEvaluationError) return { ok: false, status_code: null, round_trip_ms: 0, error: error.message };
      throw error;
    }
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

  /**
   * What the webhook's template (or the one given) makes of a sample event: the exact bytes a
   * delivery would carry. A template that does not parse is a 422 naming its position; one that
   * fails on the event, a 422 with the reason a delivery would log.
   */
  async previewTemplate(orgId: string, id: string, input: TemplatePreview): Promise<{ body: string; json: unknown }> {
    const webhook = await this.webhooksService.get(orgId, id);
    const template = input.payload_template ?? webhook.payloadTemplate;
    if (!template) throw ProblemError.invalidField('payload_template', 'the webhook has no template; give one to try');
    try {
      checkTemplate(template);
    } catch (error) {
      if (error instanceof TemplateSyntaxError) throw wireContractError({ field: 'payload_template', message: error.message, position: error.position });
      throw error;
    }
    let event: HeraldEvent;
    try {
      event = acceptEvent({ ...input.event, org_id: orgId }, this.catalog);
    } catch (error) {
      if (error instanceof InvalidEventError) throw ProblemError.invalidField(`event.${error.field}`, error.reason);
      throw error;
    }
    try {
      const body = templateBody(await evaluateTemplate(template, event, this.catalog.get(event.type)), canonicalJson);
      return { body, json: JSON.parse(body) };
    } catch (error) {
      if (error instanceof TemplateEvaluationError) throw ProblemError.invalidField('payload_template', error.message);
      throw error;
    }
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
