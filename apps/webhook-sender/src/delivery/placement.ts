import { Injectable } from '@nestjs/common';
import { parseDeliveryJob, type DeliveryJob } from '@herald/deliveries';
import { ConsumerHooks, type InboundMessage, type Placement } from '@herald/kafka';
import type { WebhookSettings } from '../endpoints/endpoint';
import { Endpoints } from '../endpoints/endpoints';

/** The lane every delivery of an `endpoint`-ordered webhook shares. */
const ENDPOINT_LANE = '';

/**
 * Where a delivery runs among its partition's: grouped by webhook (at most its `max_in_flight` at once) and, per its
 * ordering, in one lane for the whole endpoint (`endpoint`), one per ordering key (`key`; unkeyed deliveries each
 * on their own) or none (`none`). Settings unknown (a webhook deleted, or unreadable for now): one at a time, the
 * strictest, since the handler reads them again before sending.
 */
export function placementFor(job: DeliveryJob, settings: Pick<WebhookSettings, 'ordering' | 'maxInFlight'> | null): Placement {
  const group = job.destination.id;
  if (!settings || settings.ordering === 'endpoint') return { group, lane: ENDPOINT_LANE, limit: 1 };
  const key = settings.ordering === 'key' ? job.event.ordering_key : undefined;
  return { group, lane: key === undefined ? null : `k:${key}`, limit: settings.maxInFlight };
}

/**
 * Places each delivery as it arrives (ConsumerHooks.placeMessages) and keeps the job it read from the message, so the
 * handler and the spill decision do not parse it again.
 */
@Injectable()
export class DeliveryPlacement {
  private readonly jobs = new WeakMap<InboundMessage, DeliveryJob | null>();

  constructor(
    private readonly endpoints: Endpoints,
    hooks: ConsumerHooks,
  ) {
    hooks.placeMessages((message) => this.place(message));
  }

  /** The message's job, read once; null when it is unreadable (the handler parks it). */
  jobOf(message: InboundMessage): DeliveryJob | null {
    let job = this.jobs.get(message);
    if (job === undefined) {
      try {
        job = parseDeliveryJob(message.value);
      } catch {
        job = null;
      }
      this.jobs.set(message, job);
    }
    return job;
  }

  place(message: InboundMessage): Placement | null | Promise<Placement> {
    const job = this.jobOf(message);
    if (!job) return null;
    const settings = this.endpoints.settingsNow(job.destination.id);
    if (!(settings instanceof Promise)) return placementFor(job, settings);
    return settings.then(
      (read) => placementFor(job, read),
      () => placementFor(job, null),
    );
  }
}
