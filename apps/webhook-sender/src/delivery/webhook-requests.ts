import { Inject, Injectable } from '@nestjs/common';
import { HERALD_CONFIG, HERALD_VERSION, type HeraldConfig } from '@herald/config';
import type { DeliveryJob } from '@herald/deliveries';
import { EventCatalog } from '@herald/events';
import { prepareRequest, type HttpRequest, type WebhookTarget } from '@herald/webhook-transport';

/** Builds the HTTP request of an attempt: the body in the webhook's format, signed, with Herald's headers. */
@Injectable()
export class WebhookRequests {
  private readonly userAgent = `Herald/${HERALD_VERSION}`;

  constructor(
    private readonly catalog: EventCatalog,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  prepare(job: DeliveryJob, webhook: WebhookTarget): HttpRequest {
    return prepareRequest(job, webhook, { headerPrefix: this.config.HERALD_HEADER_PREFIX, userAgent: this.userAgent, definition: this.catalog.get(job.event.type) });
  }
}
