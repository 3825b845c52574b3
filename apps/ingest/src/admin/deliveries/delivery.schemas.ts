import { z } from 'zod';
import { listSchema, timestamp } from '../openapi/common-schemas';
import { responseSchema } from '../openapi/schemas';
import { AcceptedEventSchema } from '../events/event.schemas';
import { pageQuery } from '../pagination/cursor';

const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'held'] as const;

export const DeliveryLogQuerySchema = z.object({
  ...pageQuery,
  status: z.enum(DELIVERY_STATUSES).optional().describe('Only deliveries in this status'),
  event_type: z.string().min(1).optional().describe('Only deliveries of this event type'),
  since: z.iso.datetime({ offset: true }).optional().describe('Created at or after this time'),
  until: z.iso.datetime({ offset: true }).optional().describe('Created before this time'),
});
export type DeliveryLogQuery = z.output<typeof DeliveryLogQuerySchema>;

export const AttemptSchema = responseSchema(
  'DeliveryAttempt',
  z.object({
    attempt: z.number().int(),
    attempted_at: timestamp,
    succeeded: z.boolean(),
    status_code: z.number().int().nullable().describe('HTTP status, or the SMTP reply code for email; null when nothing answered'),
    latency_ms: z.number().int(),
    response_body: z.string().nullable().describe("First 4 KiB of the receiver's answer"),
    error: z.string().nullable(),
  }),
);
export type AttemptView = z.output<typeof AttemptSchema>;

const deliveryFields = {
  id: z.string().describe('Stable across retries and replays: the webhook-id receivers dedupe on'),
  event_id: z.string(),
  event_type: z.string(),
  destination: z.object({ kind: z.enum(['webhook', 'email']), id: z.string() }),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().describe('Attempts made so far'),
  last_attempt_at: timestamp.nullable(),
  next_attempt_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
};

export const DeliverySummarySchema = responseSchema('DeliverySummary', z.object({ ...deliveryFields, last_attempt: AttemptSchema.nullable() }));
export type DeliverySummaryView = z.output<typeof DeliverySummarySchema>;

export const DeliverySchema = responseSchema(
  'Delivery',
  z.object({
    ...deliveryFields,
    attempt_log: z.array(AttemptSchema).describe('Every attempt, oldest first'),
    event: AcceptedEventSchema.nullable().describe('The event it carries; null once the event log no longer holds it'),
  }),
);
export type DeliveryView = z.output<typeof DeliverySchema>;

export const DeliveryListSchema = listSchema('DeliveryList', DeliverySummarySchema);

export const DeliveryRetriedSchema = responseSchema(
  'DeliveryRetried',
  z.object({ id: z.string(), attempt: z.number().int().describe('The number the new attempt will carry'), status: z.literal('queued') }),
);
