import { z } from 'zod';
import { EventInputSchema } from '@herald/events';
import { listSchema, timestamp } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';
import { pageQuery } from '../pagination/cursor';

/** The Kafka envelope; org_id comes from the API key and may be left out. */
export const PublishEventSchema = requestSchema(
  'PublishEvent',
  EventInputSchema.extend({ org_id: EventInputSchema.shape.org_id.optional().describe("The API key's org; may be left out") }),
  'An event as producers write it to herald.events.v1',
);
export type PublishEvent = z.output<typeof PublishEventSchema>;

const eventFields = {
  id: z.string(),
  type: z.string(),
  org_id: z.string(),
  project_id: z.string().nullable(),
  occurred_at: z.string(),
  created_at: timestamp,
  data: z.record(z.string(), z.unknown()),
  ordering_key: z.string().optional().describe("The effective ordering key: the producer's, or the type's default from its data; absent when neither"),
};

export const AcceptedEventSchema = responseSchema('AcceptedEvent', z.object(eventFields), 'The event as ingest accepted it (with its id)');

export const LoggedEventSchema = responseSchema(
  'LoggedEvent',
  z.object({ ...eventFields, status: z.enum(['received', 'published']).describe('published once it is on herald.events.accepted.v1') }),
);
export type LoggedEventView = z.output<typeof LoggedEventSchema>;

export const EventListSchema = listSchema('EventList', LoggedEventSchema);

export const EventsQuerySchema = z.object({
  ...pageQuery,
  type: z.string().min(1).optional().describe('Only this event type'),
  since: z.iso.datetime({ offset: true }).optional().describe('Accepted at or after this time'),
  status: z.enum(['received', 'published']).optional(),
  delivery_status: z.enum(['pending', 'succeeded', 'failed', 'held']).optional().describe('Only events with at least one delivery in this status'),
});
export type EventsQuery = z.output<typeof EventsQuerySchema>;
