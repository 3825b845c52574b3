import type { Attributes } from '@opentelemetry/api';

/** The span attributes of an event's hop (ingest: intake and routing); docs/tracing.md lists every attribute. */
export function eventAttributes(event: { id: string; type: string; org_id: string }): Attributes {
  return { 'herald.event.id': event.id, 'herald.event.type': event.type, 'herald.org.id': event.org_id };
}

/** The span attributes of one delivery attempt (a delivery job as a sender takes it). */
export function deliveryAttributes(job: { delivery_id: string; attempt: number; destination: { kind: string; id: string }; event: { id: string; type: string; org_id: string } }): Attributes {
  return {
    ...eventAttributes(job.event),
    'herald.delivery.id': job.delivery_id,
    'herald.delivery.attempt': job.attempt,
    [job.destination.kind === 'email' ? 'herald.email_channel.id' : 'herald.webhook.id']: job.destination.id,
  };
}
