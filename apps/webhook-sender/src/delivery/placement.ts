import { Injectable } from '@nestjs/common';
import { ConsumerHooks, Headers, type InboundMessage, type Placement } from '@herald/kafka';
import type { WebhookSettings } from '../endpoints/endpoint';
import { Endpoints } from '../endpoints/endpoints';

/** What placing a delivery reads of its job. */
export interface PlacedFields {
  destination: { id: string };
  event: { ordering_key?: string };
}

/** The lane every delivery of an `endpoint`-ordered webhook shares. */
const ENDPOINT_LANE = '';

/**
 * Where a delivery runs among its partition's: grouped by webhook (at most its `max_in_flight` at once) and, per its
 * ordering, in one lane for the whole endpoint (`endpoint`), one per ordering key (`key`; unkeyed deliveries each
 * on their own) or none (`none`). Settings unknown (a webhook deleted, or unreadable for now): one at a time, the
 * strictest, since the handler reads them again before sending.
 */
export function placementFor(job: PlacedFields, settings: Pick<WebhookSettings, 'ordering' | 'maxInFlight'> | null): Placement {
  const group = job.destination.id;
  if (!settings || settings.ordering === 'endpoint') return { group, lane: ENDPOINT_LANE, limit: 1 };
  const key = settings.ordering === 'key' ? job.event.ordering_key : undefined;
  return { group, lane: key === undefined ? null : `k:${key}`, limit: settings.maxInFlight };
}

/**
 * Places each delivery as it arrives (ConsumerHooks.placeMessages). Placing reads only the webhook and ordering key
 * and keeps nothing: a partition may hold thousands of deliveries waiting for their lane, and a parsed job kept for
 * each of them cost more in garbage collection than parsing it again when it runs.
 */
@Injectable()
export class DeliveryPlacement {
  constructor(
    private readonly endpoints: Endpoints,
    hooks: ConsumerHooks,
  ) {
    hooks.placeMessages((message) => this.place(message));
  }

  place(message: InboundMessage): Placement | null | Promise<Placement> {
    const fields = placedFields(message);
    if (!fields) return null;
    const settings = this.endpoints.settingsNow(fields.destination.id);
    if (!(settings instanceof Promise)) return placementFor(fields, settings);
    return settings.then(
      (read) => placementFor(fields, read),
      () => placementFor(fields, null),
    );
  }
}

/**
 * The webhook and ordering key of a job, without validating the rest (the handler does); null when unreadable. Jobs
 * Herald produced carry both outside the value (the key, and the ordering key's header): parsing every job here as
 * well as in the handler was 2 % of the sender's time in a burst. A job without the header is parsed.
 */
function placedFields(message: InboundMessage): PlacedFields | null {
  const orderingKey = message.headers[Headers.orderingKey];
  if (orderingKey !== undefined && message.key !== null) return { destination: { id: message.key }, event: orderingKey === '' ? {} : { ordering_key: orderingKey } };
  let job: { destination?: { id?: unknown }; event?: { ordering_key?: unknown } } | null;
  try {
    job = JSON.parse(message.value?.toString() ?? '') as typeof job;
  } catch {
    return null;
  }
  const id = job?.destination?.id;
  if (typeof id !== 'string') return null;
  const key = job?.event?.ordering_key;
  return { destination: { id }, event: typeof key === 'string' ? { ordering_key: key } : {} };
}
