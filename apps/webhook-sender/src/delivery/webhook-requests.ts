import { Inject, Injectable } from '@nestjs/common';
import { HERALD_CONFIG, HERALD_VERSION, type HeraldConfig } from '@herald/config';
import type { DeliveryJob } from '@herald/deliveries';
import { EventCatalog } from '@herald/events';
import { TemplateEvaluationError } from '@herald/formatters';
import { prepareRequest, RawBodies, type HttpRequest, type WebhookTarget } from '@herald/webhook-transport';

/** An attempt's request, or why this event can never be sent to this webhook (it fails, unretried). */
export type PreparedRequest = { kind: 'request'; request: HttpRequest } | { kind: 'unsendable'; reason: string };

/** Builds the HTTP request of an attempt: the body in the webhook's format or template, signed, with its headers. */
@Injectable()
export class WebhookRequests {
  private readonly userAgent = `Herald/${HERALD_VERSION}`;
  private readonly rawBodies = new RawBodies();

  constructor(
    private readonly catalog: EventCatalog,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  async prepare(job: DeliveryJob, webhook: WebhookTarget): Promise<PreparedRequest> {
    try {
      const request = await prepareRequest(job, webhook, { headerPrefix: this.config.HERALD_HEADER_PREFIX, userAgent: this.userAgent, definition: this.catalog.get(job.event.type), rawBodies: this.rawBodies });
      return { kind: 'request', request };
    } catch (error) {
      // A template that fails on this event fails the same way on every retry.
      if (error instanceof TemplateEvaluationError) return { kind: 'unsendable', reason: error.message };
      throw error;
    }
  }
}
